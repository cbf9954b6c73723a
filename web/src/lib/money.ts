// Money on the wire is rupees as JSON numbers with at most two decimals; in the terminal it is
// integer paise. Converting goes through the decimal text, never through float arithmetic, and
// formatting is integer arithmetic on paise (Indian digit grouping: 12,34,567.89).

export type Paise = number;

const RUPEES_TEXT = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

/** Exact paise of a rupee amount: a JSON number (at most two decimals) or decimal text. */
export function toPaise(rupees: number | string): Paise {
  const text = typeof rupees === "number" ? numberText(rupees) : rupees.trim();
  const match = RUPEES_TEXT.exec(text);
  if (!match) throw new RangeError(`${String(rupees)} is not an amount of rupees`);
  const [, sign, whole = "0", fraction = ""] = match;
  const paise = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  if (!Number.isSafeInteger(paise)) throw new RangeError(`${text} is too large`);
  return sign && paise !== 0 ? -paise : paise;
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} is not finite`);
  // The shortest text that reads back as this double: for a two-decimal amount, the amount.
  const text = String(value);
  if (text.includes("e")) return value.toFixed(2);
  return text;
}

/** Parse what a user typed ("1500", "1,500.5") into paise, or null when it is not an amount. */
export function parseRupeesInput(input: string): Paise | null {
  const cleaned = input.replace(/,/g, "").trim();
  if (!/^\d+(?:\.\d{0,2})?$/.test(cleaned)) return null;
  const [whole = "0", fraction = ""] = cleaned.split(".");
  const paise = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  return Number.isSafeInteger(paise) ? paise : null;
}

/** The rupee value of ``paise`` as decimal text ("1500.05", "-0.50"). */
export function rupeesText(paise: Paise): string {
  const negative = paise < 0;
  const magnitude = Math.abs(paise);
  const whole = Math.trunc(magnitude / 100);
  const fraction = String(magnitude % 100).padStart(2, "0");
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

/** For request bodies: a JSON number whose text is exactly the rupee amount. */
export function rupeesNumber(paise: Paise): number {
  return Number(rupeesText(paise));
}

function groupIndian(whole: string): string {
  if (whole.length <= 3) return whole;
  const last3 = whole.slice(-3);
  let rest = whole.slice(0, -3);
  const groups: string[] = [];
  while (rest.length > 2) {
    groups.unshift(rest.slice(-2));
    rest = rest.slice(0, -2);
  }
  if (rest) groups.unshift(rest);
  return `${groups.join(",")},${last3}`;
}

/** "12,34,567.89" (no currency sign); negative amounts get a leading minus. */
export function formatRupees(paise: Paise): string {
  const negative = paise < 0;
  const magnitude = Math.abs(paise);
  const whole = groupIndian(String(Math.trunc(magnitude / 100)));
  const fraction = String(magnitude % 100).padStart(2, "0");
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

/** "+1,234.50" / "-12.00" / "0.00": for P&L and changes. */
export function formatSignedRupees(paise: Paise): string {
  if (paise > 0) return `+${formatRupees(paise)}`;
  return formatRupees(paise);
}

/** "₹12,34,567.89" */
export function formatInr(paise: Paise): string {
  return paise < 0 ? `-₹${formatRupees(-paise)}` : `₹${formatRupees(paise)}`;
}

/** A percentage given in hundredths of a percent (basis points): 123 -> "+1.23%". */
export function formatBasisPoints(bp: number): string {
  const sign = bp > 0 ? "+" : bp < 0 ? "-" : "";
  const magnitude = Math.abs(Math.round(bp));
  return `${sign}${Math.trunc(magnitude / 100)}.${String(magnitude % 100).padStart(2, "0")}%`;
}

/** Change from ``base`` to ``value`` in basis points, rounded half away from zero. */
export function changeBasisPoints(value: Paise, base: Paise): number {
  if (base === 0) return 0;
  const scaled = (value - base) * 10_000;
  const quotient = Math.trunc(scaled / base);
  const remainder = Math.abs(scaled % base) * 2;
  const away = remainder >= Math.abs(base) ? Math.sign(scaled) * Math.sign(base) : 0;
  return quotient + away;
}

/** Whether ``paise`` is a whole number of ticks. */
export function onTick(paise: Paise, tick: Paise): boolean {
  return tick <= 0 || paise % tick === 0;
}
