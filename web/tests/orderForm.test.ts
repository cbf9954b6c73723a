import { describe, expect, it } from "vitest";
import { validateOrder, type InstrumentRules, type OrderFormValues } from "../src/lib/orderForm";

const INFY: InstrumentRules = {
  exchange: "NSE",
  tradingsymbol: "INFY",
  tick: 5,
  lotSize: 1,
  freezeQuantity: 100_000,
  lowerCircuit: 1371_25,
  upperCircuit: 1675_95,
};

const limitBuy: OrderFormValues = {
  side: "BUY",
  orderType: "LIMIT",
  product: "CNC",
  validity: "DAY",
  quantity: "5",
  price: "1500.05",
  trigger: "",
  ttlMinutes: "1",
};

describe("validateOrder", () => {
  it("builds the Kite body of a valid limit order", () => {
    const result = validateOrder(limitBuy, INFY);
    expect(result).toMatchObject({
      ok: true,
      body: { exchange: "NSE", tradingsymbol: "INFY", transaction_type: "BUY", order_type: "LIMIT", product: "CNC", quantity: 5, price: 1500.05, validity: "DAY" },
    });
  });

  it("sends no price or trigger for a market order", () => {
    const result = validateOrder({ ...limitBuy, orderType: "MARKET", price: "nonsense" }, INFY);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.body.price).toBeUndefined();
      expect(result.body.trigger_price).toBeUndefined();
    }
  });

  it("refuses a price off the tick, naming the tick", () => {
    const result = validateOrder({ ...limitBuy, price: "1500.03" }, INFY);
    expect(result).toEqual({ ok: false, errors: { price: "price 1,500.03 is not a multiple of tick 0.05" } });
  });

  it("refuses a price outside the circuit band", () => {
    const result = validateOrder({ ...limitBuy, price: "2000" }, INFY);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.price).toContain("within 1,371.25–1,675.95");
  });

  it("refuses zero, fractional and off-lot quantities", () => {
    expect(validateOrder({ ...limitBuy, quantity: "0" }, INFY).ok).toBe(false);
    expect(validateOrder({ ...limitBuy, quantity: "1.5" }, INFY).ok).toBe(false);
    const lots = validateOrder({ ...limitBuy, quantity: "15" }, { ...INFY, lotSize: 10 });
    expect(lots).toEqual({ ok: false, errors: { quantity: "quantity must be a multiple of the lot size 10" } });
  });

  it("needs a trigger for stop orders and keeps an SL's price on the right side", () => {
    expect(validateOrder({ ...limitBuy, orderType: "SL-M" }, INFY)).toMatchObject({ ok: false, errors: { trigger: expect.any(String) } });
    const wrongSide = validateOrder({ ...limitBuy, orderType: "SL", price: "1500", trigger: "1510" }, INFY);
    expect(wrongSide).toMatchObject({ ok: false, errors: { price: "a BUY SL's price must be at or above its trigger" } });
    const good = validateOrder({ ...limitBuy, orderType: "SL", price: "1510", trigger: "1505" }, INFY);
    expect(good).toMatchObject({ ok: true, body: { price: 1510, trigger_price: 1505 } });
  });

  it("asks for minutes with TTL validity", () => {
    expect(validateOrder({ ...limitBuy, validity: "TTL", ttlMinutes: "0" }, INFY).ok).toBe(false);
    expect(validateOrder({ ...limitBuy, validity: "TTL", ttlMinutes: "30" }, INFY)).toMatchObject({ ok: true, body: { validity_ttl: 30 } });
  });
});
