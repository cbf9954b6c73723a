import { describe, expect, it } from "vitest";
import { bucketStart, foldTick, parseCandles } from "../src/lib/candles";
import { search } from "../src/lib/search";
import { MAX_PER_LIST, addList, addToken, defaultState, deleteList, removeToken, renameList } from "../src/lib/watchlists";

const instruments = [
  { instrument_token: 1, tradingsymbol: "INFY", name: "INFOSYS", exchange: "NSE" },
  { instrument_token: 2, tradingsymbol: "ICICIBANK", name: "ICICI BANK", exchange: "NSE" },
  { instrument_token: 3, tradingsymbol: "HDFCBANK", name: "HDFC BANK", exchange: "NSE" },
  { instrument_token: 4, tradingsymbol: "TCS", name: "TATA CONSULTANCY SERVICES", exchange: "NSE" },
];

describe("search", () => {
  it("ranks exact, prefix, name word, substring, then fuzzy matches", () => {
    expect(search("infy", instruments).map((i) => i.tradingsymbol)).toEqual(["INFY"]);
    expect(search("i", instruments).map((i) => i.tradingsymbol)).toEqual(["INFY", "ICICIBANK", "TCS"]); // TCS: "SERVICES"
    expect(search("bank", instruments).map((i) => i.tradingsymbol)).toEqual(["HDFCBANK", "ICICIBANK"]);
    expect(search("tata", instruments).map((i) => i.tradingsymbol)).toEqual(["TCS"]);
    expect(search("hdfbnk", instruments).map((i) => i.tradingsymbol)).toEqual(["HDFCBANK"]);
    expect(search("zzz", instruments)).toEqual([]);
  });
});

describe("watchlists", () => {
  it("adds, removes and keeps tokens unique per list", () => {
    let state = defaultState([1, 2]);
    state = addToken(state, 3);
    state = addToken(state, 3);
    expect(state.lists[0]!.tokens).toEqual([1, 2, 3]);
    state = removeToken(state, 2);
    expect(state.lists[0]!.tokens).toEqual([1, 3]);
  });

  it("keeps several named lists and at least one", () => {
    let state = addList(defaultState([1]), "Banks");
    expect(state.active).toBe(1);
    state = addToken(state, 2);
    state = renameList(state, 1, "PSU banks");
    expect(state.lists.map((l) => [l.name, l.tokens])).toEqual([
      ["Watchlist 1", [1]],
      ["PSU banks", [2]],
    ]);
    state = deleteList(state, 1);
    expect(state.lists).toHaveLength(1);
    expect(deleteList(state, 0)).toBe(state);
  });

  it("caps a list", () => {
    const full = defaultState(Array.from({ length: MAX_PER_LIST }, (_, i) => i));
    expect(addToken(full, 99_999)).toBe(full);
  });
});

describe("candles", () => {
  it("reads Kite's historical rows into paise bars", () => {
    const bars = parseCandles({ candles: [["2026-11-20T09:15:00+0530", 1500, 1501.5, 1499.95, 1500.05, 1200]] });
    expect(bars).toEqual([{ time: Date.parse("2026-11-20T03:45:00Z") / 1000, open: 150000, high: 150150, low: 149995, close: 150005, volume: 1200 }]);
  });

  it("folds ticks into the current bar and opens the next one", () => {
    const start = bucketStart(1_000_000_030, "minute");
    expect(start).toBe(1_000_000_020);
    let bar = foldTick(undefined, 1_000_000_030, 100_00, 5, "minute");
    bar = foldTick(bar, 1_000_000_040, 101_00, 2, "minute");
    bar = foldTick(bar, 1_000_000_050, 99_50, 1, "minute");
    expect(bar).toEqual({ time: start, open: 100_00, high: 101_00, low: 99_50, close: 99_50, volume: 8 });
    const next = foldTick(bar, 1_000_000_080, 100_00, 1, "minute");
    expect(next.time).toBe(start + 60);
  });

  it("aligns day bars on IST midnight", () => {
    const tenAmIst = Date.parse("2026-11-20T04:30:00Z") / 1000;
    expect(bucketStart(tenAmIst, "day")).toBe(Date.parse("2026-11-19T18:30:00Z") / 1000);
  });
});
