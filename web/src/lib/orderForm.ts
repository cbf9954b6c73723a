// The order window's rules, checked before anything is sent: the same rules the core applies
// (quantity in lots up to the freeze quantity, prices on the tick and inside the circuit band,
// price and trigger per order type), so most mistakes are shown at once and inline. Anything
// that depends on the account (funds, holdings) is left to the API, whose message is shown.
import { parseRupeesInput, rupeesNumber, formatRupees, type Paise } from "./money";

export type Side = "BUY" | "SELL";
export type OrderType = "MARKET" | "LIMIT" | "SL" | "SL-M";
export type Product = "CNC" | "MIS" | "NRML";
export type Validity = "DAY" | "IOC" | "TTL";

export interface InstrumentRules {
  exchange: string;
  tradingsymbol: string;
  tick: Paise;
  lotSize: number;
  freezeQuantity: number;
  lowerCircuit: Paise;
  upperCircuit: Paise;
}

export interface OrderFormValues {
  side: Side;
  orderType: OrderType;
  product: Product;
  validity: Validity;
  quantity: string;
  price: string;
  trigger: string;
  ttlMinutes: string;
}

export interface PlaceOrderBody {
  exchange: string;
  tradingsymbol: string;
  transaction_type: Side;
  order_type: OrderType;
  product: Product;
  quantity: number;
  price?: number;
  trigger_price?: number;
  validity: Validity;
  validity_ttl?: number;
}

export type FieldErrors = Partial<Record<"quantity" | "price" | "trigger" | "ttlMinutes", string>>;

export type Validation =
  | { ok: true; body: PlaceOrderBody; quantity: number; price: Paise; trigger: Paise }
  | { ok: false; errors: FieldErrors };

export function needsPrice(type: OrderType): boolean {
  return type === "LIMIT" || type === "SL";
}

export function needsTrigger(type: OrderType): boolean {
  return type === "SL" || type === "SL-M";
}

function checkPrice(name: string, value: Paise, rules: InstrumentRules): string | undefined {
  if (value <= 0) return `${name} must be positive`;
  if (rules.tick > 0 && value % rules.tick !== 0) {
    return `${name} ${formatRupees(value)} is not a multiple of tick ${formatRupees(rules.tick)}`;
  }
  if (value < rules.lowerCircuit || value > rules.upperCircuit) {
    return `${name} must be within ${formatRupees(rules.lowerCircuit)}–${formatRupees(rules.upperCircuit)}`;
  }
  return undefined;
}

export function validateOrder(values: OrderFormValues, rules: InstrumentRules): Validation {
  const errors: FieldErrors = {};
  const quantityText = values.quantity.trim();
  const quantity = /^\d+$/.test(quantityText) ? Number(quantityText) : NaN;
  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    errors.quantity = "quantity must be a whole number above 0";
  } else if (rules.lotSize > 1 && quantity % rules.lotSize !== 0) {
    errors.quantity = `quantity must be a multiple of the lot size ${rules.lotSize}`;
  } else if (rules.freezeQuantity > 0 && quantity > rules.freezeQuantity) {
    errors.quantity = `quantity is above the freeze quantity ${rules.freezeQuantity}`;
  }

  let price: Paise = 0;
  if (needsPrice(values.orderType)) {
    const parsed = parseRupeesInput(values.price);
    if (parsed === null) errors.price = "price must be an amount with at most two decimals";
    else {
      price = parsed;
      const problem = checkPrice("price", parsed, rules);
      if (problem) errors.price = problem;
    }
  }

  let trigger: Paise = 0;
  if (needsTrigger(values.orderType)) {
    const parsed = parseRupeesInput(values.trigger);
    if (parsed === null) errors.trigger = "trigger price must be an amount with at most two decimals";
    else {
      trigger = parsed;
      const problem = checkPrice("trigger price", parsed, rules);
      if (problem) errors.trigger = problem;
      else if (values.orderType === "SL" && !errors.price) {
        if (values.side === "BUY" && price < trigger) errors.price = "a BUY SL's price must be at or above its trigger";
        if (values.side === "SELL" && price > trigger) errors.price = "a SELL SL's price must be at or below its trigger";
      }
    }
  }

  let ttl = 0;
  if (values.validity === "TTL") {
    const text = values.ttlMinutes.trim();
    ttl = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > 525_600) errors.ttlMinutes = "minutes must be from 1 to 525600";
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const body: PlaceOrderBody = {
    exchange: rules.exchange,
    tradingsymbol: rules.tradingsymbol,
    transaction_type: values.side,
    order_type: values.orderType,
    product: values.product,
    quantity,
    validity: values.validity,
  };
  if (needsPrice(values.orderType)) body.price = rupeesNumber(price);
  if (needsTrigger(values.orderType)) body.trigger_price = rupeesNumber(trigger);
  if (values.validity === "TTL") body.validity_ttl = ttl;
  return { ok: true, body, quantity, price, trigger };
}

/** Order value for display: quantity x (price, or the last price for market orders). */
export function orderValue(quantity: number, price: Paise): Paise {
  return quantity * price;
}
