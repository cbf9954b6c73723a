// Candles: Kite's historical-data shape ([time, open, high, low, close, volume] rows, prices in
// rupees) into paise bars, and live ticks folded into the last bar.
import { toPaise, type Paise } from "./money";

export const INTERVALS = ["minute", "3minute", "5minute", "10minute", "15minute", "30minute", "60minute", "day"] as const;
export type Interval = (typeof INTERVALS)[number];

export const INTERVAL_SECONDS: Record<Interval, number> = {
  minute: 60,
  "3minute": 180,
  "5minute": 300,
  "10minute": 600,
  "15minute": 900,
  "30minute": 1800,
  "60minute": 3600,
  day: 86400,
};

export interface Bar {
  /** Start of the bar, seconds since the epoch (UTC). */
  time: number;
  open: Paise;
  high: Paise;
  low: Paise;
  close: Paise;
  volume: number;
}

export type WireCandle = [string | number, number, number, number, number, number, ...unknown[]];

export function parseCandles(data: { candles: WireCandle[] }): Bar[] {
  return data.candles.map(([time, open, high, low, close, volume]) => ({
    time: typeof time === "number" ? (time > 1e12 ? Math.floor(time / 1000) : time) : Math.floor(Date.parse(time) / 1000),
    open: toPaise(open),
    high: toPaise(high),
    low: toPaise(low),
    close: toPaise(close),
    volume,
  }));
}

/** IST sessions align day bars on IST midnight; intraday bars on the epoch (whole minutes). */
const IST_OFFSET_SECONDS = 19_800;

export function bucketStart(seconds: number, interval: Interval): number {
  const size = INTERVAL_SECONDS[interval];
  if (interval === "day") return Math.floor((seconds + IST_OFFSET_SECONDS) / size) * size - IST_OFFSET_SECONDS;
  return Math.floor(seconds / size) * size;
}

/** The last bar after a trade at ``price`` (``volume`` shares more) at ``seconds``. */
export function foldTick(last: Bar | undefined, seconds: number, price: Paise, volume: number, interval: Interval): Bar {
  const start = bucketStart(seconds, interval);
  if (!last || start > last.time) return { time: start, open: price, high: price, low: price, close: price, volume };
  return {
    ...last,
    high: Math.max(last.high, price),
    low: Math.min(last.low, price),
    close: price,
    volume: last.volume + volume,
  };
}
