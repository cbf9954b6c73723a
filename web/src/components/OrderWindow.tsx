// The order window: BUY/SELL, MARKET/LIMIT/SL/SL-M, CNC/MIS, validity, quantity, price,
// trigger; margin and charges before placing (POST /margins/orders); Enter submits, Esc
// closes; the API's refusals are shown inline. Also modifies an open order.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { ApiError, api, newIdempotencyKey, rawPost, unwrap } from "../api/client";
import type { Instrument } from "../api/types";
import { keys, useFunds, useInstrumentMap, useSubscription, useTick } from "../hooks";
import { formatRupees, rupeesText, toPaise } from "../lib/money";
import {
  needsPrice,
  needsTrigger,
  validateOrder,
  type InstrumentRules,
  type OrderFormValues,
  type OrderType,
  type Product,
  type Side,
  type Validity,
} from "../lib/orderForm";
import { useUi, type OrderTicket } from "../ui";

export interface MarginAnswer {
  total: number;
  charges: { total: number; brokerage: number; transaction_tax: number; stamp_duty: number; gst: { total: number } };
}

export function rulesOf(instrument: Instrument): InstrumentRules {
  return {
    exchange: instrument.exchange,
    tradingsymbol: instrument.tradingsymbol,
    tick: toPaise(instrument.tick_size),
    lotSize: instrument.lot_size,
    freezeQuantity: instrument.freeze_quantity,
    lowerCircuit: toPaise(instrument.lower_circuit_limit),
    upperCircuit: toPaise(instrument.upper_circuit_limit),
  };
}

function initialValues(ticket: OrderTicket, last: number): OrderFormValues {
  const order = ticket.modify;
  if (order) {
    return {
      side: order.transaction_type as Side,
      orderType: order.order_type as OrderType,
      product: order.product as Product,
      validity: order.validity as Validity,
      quantity: String(order.quantity),
      price: order.price ? rupeesText(toPaise(order.price)) : rupeesText(last),
      trigger: order.trigger_price ? rupeesText(toPaise(order.trigger_price)) : "",
      ttlMinutes: String(order.validity_ttl || 1),
    };
  }
  return {
    side: ticket.side,
    orderType: "LIMIT",
    product: ticket.product ?? "CNC",
    validity: "DAY",
    quantity: String(ticket.quantity ?? 1),
    price: rupeesText(last),
    trigger: "",
    ttlMinutes: "1",
  };
}

function OrderForm({ ticket, instrument }: { ticket: OrderTicket; instrument: Instrument }) {
  const ui = useUi();
  const queryClient = useQueryClient();
  const funds = useFunds();
  const tick = useTick(instrument.instrument_token);
  useSubscription([instrument.instrument_token]);
  const last = tick?.lastPrice ?? toPaise(instrument.last_price);
  const [values, setValues] = useState<OrderFormValues>(() => initialValues(ticket, last));
  const [touched, setTouched] = useState(false);
  const [apiError, setApiError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [margin, setMargin] = useState<MarginAnswer | null>(null);
  const [marginNote, setMarginNote] = useState<string | null>(null);
  const idempotencyKey = useRef(newIdempotencyKey());
  const rules = useMemo(() => rulesOf(instrument), [instrument]);
  const validation = validateOrder(values, rules);
  const modifying = ticket.modify;
  const set = (patch: Partial<OrderFormValues>) => {
    setValues((v) => ({ ...v, ...patch }));
    setApiError(null);
    idempotencyKey.current = newIdempotencyKey();
  };

  // Margin and charges, asked again (debounced) whenever the order changes.
  const body = validation.ok ? validation.body : null;
  const bodyKey = body ? JSON.stringify(body) : "";
  useEffect(() => {
    if (!bodyKey) {
      setMargin(null);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      // Kite's margin request has no validity fields.
      const { validity: _validity, validity_ttl: _ttl, ...order } = JSON.parse(bodyKey) as Record<string, unknown>;
      rawPost<MarginAnswer[]>("/api/v1/margins/orders", [{ ...order, variety: "regular" }])
        .then((answer) => {
          if (cancelled) return;
          setMargin(answer[0] ?? null);
          setMarginNote(null);
        })
        .catch((error: unknown) => {
          if (cancelled) return;
          setMargin(null);
          setMarginNote(error instanceof ApiError && error.status === 404 ? "margin calculator unavailable" : error instanceof Error ? error.message : null);
        });
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [bodyKey]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (!validation.ok || busy) return;
    setBusy(true);
    setApiError(null);
    const headers = { "Idempotency-Key": idempotencyKey.current };
    try {
      if (modifying) {
        const change: Record<string, unknown> = { quantity: validation.body.quantity, order_type: validation.body.order_type };
        if (validation.body.price !== undefined) change.price = validation.body.price;
        if (validation.body.trigger_price !== undefined) change.trigger_price = validation.body.trigger_price;
        await unwrap(
          api.PUT("/api/v1/orders/{variety}/{order_id}", {
            params: { path: { variety: modifying.variety, order_id: modifying.order_id } },
            body: change,
            headers,
          }),
        );
        ui.toast("info", `Modified order ${modifying.order_id}`, `${instrument.tradingsymbol}`);
      } else {
        const placed = await unwrap(
          api.POST("/api/v1/orders/{variety}", { params: { path: { variety: "regular" } }, body: validation.body, headers }),
        );
        ui.toast("info", `${values.side} order placed`, `${instrument.tradingsymbol} · order ${placed.order_id}`);
      }
      void queryClient.invalidateQueries({ queryKey: keys.orders });
      void queryClient.invalidateQueries({ queryKey: keys.funds });
      ui.closeTicket();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      setApiError(message);
      void queryClient.invalidateQueries({ queryKey: keys.orders });
      idempotencyKey.current = newIdempotencyKey();
    } finally {
      setBusy(false);
    }
  }

  const errors = touched && !validation.ok ? validation.errors : {};
  const side = values.side;
  const available = funds.data ? toPaise(funds.data.available) : null;
  return (
    <form className={`order-window ${side === "BUY" ? "buy" : "sell"}`} onSubmit={submit} aria-label="Order window" noValidate>
      <header>
        <div>
          <b>
            {modifying ? "Modify" : side} {instrument.tradingsymbol}
          </b>{" "}
          <small>
            {instrument.exchange} · LTP <span data-testid="ticket-ltp">{formatRupees(last)}</span>
          </small>
        </div>
        {!modifying && (
          <label className="switch" title="Switch BUY/SELL">
            <input type="checkbox" checked={side === "SELL"} onChange={(e) => set({ side: e.target.checked ? "SELL" : "BUY" })} />
            {side === "BUY" ? "Buy" : "Sell"}
          </label>
        )}
      </header>
      <div className="radios" role="radiogroup" aria-label="Product">
        {(["CNC", "MIS"] as Product[]).map((p) => (
          <label key={p}>
            <input type="radio" name="product" disabled={!!modifying} checked={values.product === p} onChange={() => set({ product: p })} />
            {p === "CNC" ? "Longterm CNC" : "Intraday MIS"}
          </label>
        ))}
      </div>
      <div className="fields">
        <label>
          Qty.
          <input name="quantity" inputMode="numeric" autoFocus value={values.quantity} onChange={(e) => set({ quantity: e.target.value })} aria-invalid={!!errors.quantity} />
          {errors.quantity && <span className="field-error">{errors.quantity}</span>}
        </label>
        <label>
          Price
          <input
            name="price"
            inputMode="decimal"
            disabled={!needsPrice(values.orderType)}
            value={needsPrice(values.orderType) ? values.price : "Market"}
            onChange={(e) => set({ price: e.target.value })}
            aria-invalid={!!errors.price}
          />
          {errors.price && <span className="field-error">{errors.price}</span>}
        </label>
        <label>
          Trigger price
          <input
            name="trigger"
            inputMode="decimal"
            disabled={!needsTrigger(values.orderType)}
            value={values.trigger}
            onChange={(e) => set({ trigger: e.target.value })}
            aria-invalid={!!errors.trigger}
          />
          {errors.trigger && <span className="field-error">{errors.trigger}</span>}
        </label>
      </div>
      <div className="radios" role="radiogroup" aria-label="Order type">
        {(["MARKET", "LIMIT", "SL", "SL-M"] as OrderType[]).map((t) => (
          <label key={t}>
            <input type="radio" name="order_type" checked={values.orderType === t} onChange={() => set({ orderType: t })} />
            {t === "MARKET" ? "Market" : t === "LIMIT" ? "Limit" : t}
          </label>
        ))}
      </div>
      <div className="radios" role="radiogroup" aria-label="Validity">
        {(["DAY", "IOC", "TTL"] as Validity[]).map((v) => (
          <label key={v}>
            <input type="radio" name="validity" disabled={!!modifying} checked={values.validity === v} onChange={() => set({ validity: v })} />
            {v}
          </label>
        ))}
        {values.validity === "TTL" && (
          <label className="inline">
            minutes
            <input name="ttl" inputMode="numeric" value={values.ttlMinutes} onChange={(e) => set({ ttlMinutes: e.target.value })} />
            {errors.ttlMinutes && <span className="field-error">{errors.ttlMinutes}</span>}
          </label>
        )}
      </div>
      <div className="margin" data-testid="margin">
        <span>
          Margin required <b>{margin ? `₹${formatRupees(toPaise(margin.total))}` : "—"}</b>
        </span>
        <span>
          Charges <b>{margin ? `₹${formatRupees(toPaise(margin.charges.total))}` : "—"}</b>
        </span>
        <span>
          Available <b>{available === null ? "—" : `₹${formatRupees(available)}`}</b>
        </span>
        {marginNote && <small className="muted">{marginNote}</small>}
      </div>
      {apiError && (
        <p className="form-error" role="alert" data-testid="order-error">
          {apiError}
        </p>
      )}
      <footer>
        <button type="submit" className={side === "BUY" ? "buy primary" : "sell primary"} disabled={busy}>
          {modifying ? "Modify" : side === "BUY" ? "Buy" : "Sell"}
        </button>
        <button type="button" onClick={ui.closeTicket}>
          Cancel
        </button>
      </footer>
    </form>
  );
}

export function OrderWindow() {
  const ui = useUi();
  const instruments = useInstrumentMap();
  const ticket = ui.ticket;
  const { closeTicket } = ui;
  useEffect(() => {
    if (!ticket) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") closeTicket();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [ticket, closeTicket]);
  if (!ticket) return null;
  const instrument = instruments.get(ticket.token);
  if (!instrument) return null;
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && closeTicket()}>
      <OrderForm key={`${ticket.token}-${ticket.side}-${ticket.modify?.order_id ?? ""}`} ticket={ticket} instrument={instrument} />
    </div>
  );
}
