import { describe, expect, it } from "vitest";
import {
  changeBasisPoints,
  formatBasisPoints,
  formatInr,
  formatRupees,
  formatSignedRupees,
  parseRupeesInput,
  rupeesNumber,
  rupeesText,
  toPaise,
} from "../src/lib/money";

describe("toPaise", () => {
  it("reads two-decimal JSON numbers exactly", () => {
    expect(toPaise(1500.05)).toBe(150005);
    expect(toPaise(0.29)).toBe(29); // 0.29 * 100 is 28.999999999999996 in floats
    expect(toPaise(1.15)).toBe(115);
    expect(toPaise(1285.4)).toBe(128540);
    expect(toPaise(-12.5)).toBe(-1250);
    expect(toPaise(0)).toBe(0);
  });

  it("reads decimal text", () => {
    expect(toPaise("1234567.89")).toBe(123456789);
    expect(toPaise("-0.05")).toBe(-5);
  });

  it("refuses more than two decimals", () => {
    expect(() => toPaise("1.005")).toThrow(RangeError);
    expect(() => toPaise(1.005)).toThrow(RangeError);
  });
});

describe("formatting", () => {
  it("groups digits the Indian way", () => {
    expect(formatRupees(123456789)).toBe("12,34,567.89");
    expect(formatRupees(100000000)).toBe("10,00,000.00");
    expect(formatRupees(99999)).toBe("999.99");
    expect(formatRupees(5)).toBe("0.05");
    expect(formatRupees(-123456)).toBe("-1,234.56");
  });

  it("signs P&L and prefixes the rupee", () => {
    expect(formatSignedRupees(150)).toBe("+1.50");
    expect(formatSignedRupees(-150)).toBe("-1.50");
    expect(formatSignedRupees(0)).toBe("0.00");
    expect(formatInr(100000000)).toBe("₹10,00,000.00");
    expect(formatInr(-5)).toBe("-₹0.05");
  });

  it("writes request amounts whose JSON text is the amount", () => {
    expect(rupeesText(150005)).toBe("1500.05");
    expect(JSON.stringify({ price: rupeesNumber(29) })).toBe('{"price":0.29}');
    expect(JSON.stringify({ price: rupeesNumber(123456789) })).toBe('{"price":1234567.89}');
  });

  it("parses what a user types", () => {
    expect(parseRupeesInput("1,500.5")).toBe(150050);
    expect(parseRupeesInput(" 10000 ")).toBe(1000000);
    expect(parseRupeesInput("1.234")).toBeNull();
    expect(parseRupeesInput("-1")).toBeNull();
    expect(parseRupeesInput("abc")).toBeNull();
  });

  it("computes and formats changes in basis points", () => {
    expect(changeBasisPoints(101_00, 100_00)).toBe(100);
    expect(changeBasisPoints(99_00, 100_00)).toBe(-100);
    expect(changeBasisPoints(100_005, 100_000)).toBe(1); // 0.005 % rounds half away from zero
    expect(formatBasisPoints(123)).toBe("+1.23%");
    expect(formatBasisPoints(-5)).toBe("-0.05%");
    expect(formatBasisPoints(0)).toBe("0.00%");
  });
});
