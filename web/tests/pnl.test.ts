import { describe, expect, it } from "vitest";
import { holdingDayChange, holdingPnl, positionPnl, unrealisedPnl } from "../src/lib/pnl";

describe("P&L in paise", () => {
  it("marks long and short positions", () => {
    expect(unrealisedPnl(10, 1500_00, 1510_05)).toBe(100_50);
    expect(unrealisedPnl(-10, 1500_00, 1510_05)).toBe(-100_50);
  });

  it("adds realised P&L to the live mark of a position", () => {
    const position = { quantity: 5, average_price: 1523.65, realised: 12.3, last_price: 1523.65 };
    expect(positionPnl(position)).toBe(12_30);
    expect(positionPnl(position, 1524_00)).toBe(12_30 + 5 * 35);
  });

  it("computes holdings' P&L and day change", () => {
    const holding = { quantity: 25, average_price: 1523.6, close_price: 1523.6, last_price: 1530.1 };
    expect(holdingPnl(holding)).toBe(25 * 6_50);
    expect(holdingDayChange(holding, 1520_00)).toBe(25 * -3_60);
  });
});
