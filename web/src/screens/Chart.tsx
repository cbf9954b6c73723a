// The chart: candles and volume for minute to day intervals from
// GET /instruments/{token}/candles (Kite's historical-data shape), folded with live ticks,
// crosshair legend. Loaded on demand (lightweight-charts stays out of the initial bundle).
import { useQuery } from "@tanstack/react-query";
import {
  CandlestickSeries,
  ColorType,
  CrosshairMode,
  HistogramSeries,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from "lightweight-charts";
import { useEffect, useRef, useState } from "react";
import { ApiError, rawGet } from "../api/client";
import { navigate, useInstrumentMap, useSubscription, useTicker } from "../hooks";
import { INTERVAL_SECONDS, INTERVALS, foldTick, parseCandles, type Bar, type Interval, type WireCandle } from "../lib/candles";
import { formatRupees, toPaise } from "../lib/money";
import { useUi } from "../ui";

const IST = 19_800; // the chart's time axis shows IST
const DAYS_BACK: Record<Interval, number> = {
  minute: 3,
  "3minute": 7,
  "5minute": 15,
  "10minute": 30,
  "15minute": 30,
  "30minute": 60,
  "60minute": 120,
  day: 1000,
};

function kiteTime(ms: number): string {
  // Kite's from/to: "yyyy-mm-dd hh:mm:ss" in IST.
  return new Date(ms + IST * 1000).toISOString().slice(0, 19).replace("T", " ");
}

const rupees = (paise: number) => paise / 100; // for drawing only

function css(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

export default function ChartScreen({ token }: { token: number }) {
  const instruments = useInstrumentMap();
  const instrument = instruments.get(token);
  const ticker = useTicker();
  const ui = useUi();
  const [interval, setInterval] = useState<Interval>("minute");
  const [legend, setLegend] = useState<Bar | null>(null);
  // The newest bar, as state so the header's OHLC follows it (lastBar is the chart's working copy).
  const [newest, setNewest] = useState<Bar | null>(null);
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const candles = useRef<ISeriesApi<"Candlestick"> | null>(null);
  const volume = useRef<ISeriesApi<"Histogram"> | null>(null);
  const lastBar = useRef<Bar | undefined>(undefined);
  useSubscription([token], "quote");

  const history = useQuery({
    queryKey: ["candles", token, interval],
    retry: false,
    queryFn: async () => {
      const now = Date.now();
      const from = now - DAYS_BACK[interval] * 86_400_000;
      const data = await rawGet<{ candles: WireCandle[] }>(
        `/api/v1/instruments/${token}/candles?interval=${interval}&from=${encodeURIComponent(kiteTime(from))}&to=${encodeURIComponent(kiteTime(now))}`,
      );
      return parseCandles(data);
    },
  });

  useEffect(() => {
    if (!host.current) return;
    const created = createChart(host.current, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: "transparent" }, textColor: css("--muted") },
      grid: { vertLines: { color: css("--grid") }, horzLines: { color: css("--grid") } },
      crosshair: { mode: CrosshairMode.Normal },
      timeScale: { timeVisible: true, secondsVisible: false },
    });
    candles.current = created.addSeries(CandlestickSeries, {
      upColor: css("--up"),
      downColor: css("--down"),
      wickUpColor: css("--up"),
      wickDownColor: css("--down"),
      borderVisible: false,
    });
    volume.current = created.addSeries(HistogramSeries, { priceScaleId: "", priceFormat: { type: "volume" } });
    volume.current.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    created.subscribeCrosshairMove((param) => {
      const data = candles.current ? param.seriesData.get(candles.current) : undefined;
      if (!data || !("open" in data)) {
        setLegend(null);
        return;
      }
      const bar = data as unknown as { open: number; high: number; low: number; close: number };
      setLegend({
        time: Number(param.time),
        open: Math.round(bar.open * 100),
        high: Math.round(bar.high * 100),
        low: Math.round(bar.low * 100),
        close: Math.round(bar.close * 100),
        volume: 0,
      });
    });
    chart.current = created;
    return () => {
      created.remove();
      chart.current = null;
    };
  }, []);

  function draw(bar: Bar) {
    const time = (bar.time + IST) as UTCTimestamp;
    candles.current?.update({ time, open: rupees(bar.open), high: rupees(bar.high), low: rupees(bar.low), close: rupees(bar.close) });
    volume.current?.update({ time, value: bar.volume, color: bar.close >= bar.open ? css("--up-soft") : css("--down-soft") });
  }

  useEffect(() => {
    const bars = [...(history.data ?? [])];
    if (bars.length === 0 && !history.isPending) {
      // No history: start from the last price, so the scale and crosshair work at once.
      const last = ticker.tick(token)?.lastPrice ?? (instrument ? toPaise(instrument.last_price) : null);
      if (last) bars.push(foldTick(undefined, Math.floor(Date.now() / 1000), last, 0, interval));
    }
    lastBar.current = bars[bars.length - 1];
    setNewest(lastBar.current ?? null);
    candles.current?.setData(
      bars.map((b) => ({ time: (b.time + IST) as UTCTimestamp, open: rupees(b.open), high: rupees(b.high), low: rupees(b.low), close: rupees(b.close) })),
    );
    volume.current?.setData(
      bars.map((b) => ({ time: (b.time + IST) as UTCTimestamp, value: b.volume, color: b.close >= b.open ? css("--up-soft") : css("--down-soft") })),
    );
    chart.current?.timeScale().scrollToRealTime();
  }, [history.data, history.isPending, ticker, token, instrument, interval]);

  // Live: each tick's last price and volume increase go into the current bar.
  useEffect(() => {
    let volumeSeen: number | null = ticker.tick(token)?.volume ?? null;
    return ticker.onTick(token, () => {
      const tick = ticker.tick(token);
      if (!tick) return;
      const traded = tick.volume !== null && volumeSeen !== null ? Math.max(0, tick.volume - volumeSeen) : 0;
      volumeSeen = tick.volume ?? volumeSeen;
      const bar = foldTick(lastBar.current, Math.floor(Date.now() / 1000), tick.lastPrice, traded, interval);
      if (lastBar.current && bar.time < lastBar.current.time) return;
      lastBar.current = bar;
      setNewest(bar);
      draw(bar);
    });
  }, [ticker, token, interval]);

  // A 404 other than the candles route's own "instrument <token> not found": no such route here
  // yet (today the path even matches /instruments/{exchange}/{tradingsymbol}).
  const missing =
    history.error instanceof ApiError && history.error.status === 404 && history.error.message !== `instrument ${token} not found`;
  const shown = legend ?? newest;
  return (
    <div className="screen chart-screen">
      <header className="chart-header">
        <b>{instrument?.tradingsymbol ?? token}</b>
        <div className="intervals" role="group" aria-label="Interval">
          {INTERVALS.map((i) => (
            <button key={i} className={i === interval ? "active" : ""} onClick={() => setInterval(i)} title={`${INTERVAL_SECONDS[i] / 60} minutes`}>
              {i === "minute" ? "1m" : i === "day" ? "1D" : i.replace("minute", "m")}
            </button>
          ))}
        </div>
        {shown && (
          <span className="legend">
            O {formatRupees(shown.open)} H {formatRupees(shown.high)} L {formatRupees(shown.low)} C {formatRupees(shown.close)}
          </span>
        )}
        <span className="spacer" />
        <button className="buy primary" onClick={() => ui.openTicket({ token, side: "BUY" })}>
          Buy
        </button>
        <button className="sell primary" onClick={() => ui.openTicket({ token, side: "SELL" })}>
          Sell
        </button>
        <button onClick={() => navigate("/")}>Close</button>
      </header>
      {(missing || history.isError) && (
        <p className="notice" data-testid="chart-empty">
          {missing
            ? "Historical candles are not available on this server yet; the chart draws live trades from now on."
            : `No history: ${(history.error as Error).message}. The chart draws live trades from now on.`}
        </p>
      )}
      <div className="chart-host" ref={host} />
    </div>
  );
}
