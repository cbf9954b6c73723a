// The WebSocket stream (/api/v1/ws, Kite ticker semantics): one connection per tab, reference
// counted subscriptions, automatic reconnect with backoff and resubscription, the latest tick
// per instrument, and the caller's order updates. Components read ticks with useTick (one
// instrument each), so a tick re-renders only the rows that show that instrument.
import { toPaise, type Paise } from "./money";

export type Mode = "ltp" | "quote" | "full";
export type Status = "connecting" | "open" | "reconnecting" | "offline";

export interface DepthLevel {
  price: Paise;
  quantity: number;
  orders: number;
}

export interface Tick {
  token: number;
  lastPrice: Paise;
  /** Change from the previous close, in basis points (hundredths of a percent). */
  changeBp: number | null;
  close: Paise | null;
  open: Paise | null;
  high: Paise | null;
  low: Paise | null;
  volume: number | null;
  totalBuy: number | null;
  totalSell: number | null;
  tradable: boolean;
  depth: { buy: DepthLevel[]; sell: DepthLevel[] } | null;
  receivedAt: number;
}

interface WireLevel {
  price: number;
  quantity: number;
  orders: number;
}

interface WireTick {
  mode: Mode;
  instrument_token: number;
  tradable: boolean;
  last_price: number;
  change?: number;
  volume_traded?: number;
  total_buy_quantity?: number;
  total_sell_quantity?: number;
  ohlc?: { open: number; high: number; low: number; close: number };
  depth?: { buy: WireLevel[]; sell: WireLevel[] };
}

const levels = (wire: WireLevel[]): DepthLevel[] =>
  wire.map((l) => ({ price: toPaise(l.price), quantity: l.quantity, orders: l.orders }));

export function parseTick(wire: WireTick, now: number): Tick {
  return {
    token: wire.instrument_token,
    lastPrice: toPaise(wire.last_price),
    changeBp: wire.change === undefined ? null : toPaise(wire.change),
    close: wire.ohlc ? toPaise(wire.ohlc.close) : null,
    open: wire.ohlc ? toPaise(wire.ohlc.open) : null,
    high: wire.ohlc ? toPaise(wire.ohlc.high) : null,
    low: wire.ohlc ? toPaise(wire.ohlc.low) : null,
    volume: wire.volume_traded ?? null,
    totalBuy: wire.total_buy_quantity ?? null,
    totalSell: wire.total_sell_quantity ?? null,
    tradable: wire.tradable,
    depth: wire.depth ? { buy: levels(wire.depth.buy), sell: levels(wire.depth.sell) } : null,
    receivedAt: now,
  };
}

type TickListener = () => void;
type OrderListener = (order: unknown) => void;
type StatusListener = (status: Status) => void;
type TradableListener = (token: number, tradable: boolean) => void;

const MODE_RANK: Record<Mode, number> = { ltp: 0, quote: 1, full: 2 };
const SOCKET_OPEN = 1; // WebSocket.OPEN (not a global in every runtime the tests use)

export class Ticker {
  private socket: WebSocket | null = null;
  private status: Status = "offline";
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private readonly wanted = new Map<number, Map<Mode, number>>();
  private readonly ticks = new Map<number, Tick>();
  private readonly tickListeners = new Map<number, Set<TickListener>>();
  private readonly orderListeners = new Set<OrderListener>();
  private readonly statusListeners = new Set<StatusListener>();
  private readonly tradableListeners = new Set<TradableListener>();

  constructor(
    private readonly url: () => string | null,
    private readonly onExpired: () => Promise<boolean>,
    private readonly makeSocket: (url: string) => WebSocket = (url) => new WebSocket(url),
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.close(1000);
    this.socket = null;
    this.setStatus("offline");
  }

  /** Close and reconnect at once (a new access token). */
  restart(): void {
    this.stop();
    this.start();
  }

  getStatus(): Status {
    return this.status;
  }

  tick(token: number): Tick | undefined {
    return this.ticks.get(token);
  }

  /** Subscribe to ``tokens`` in ``mode`` until the returned function is called. */
  subscribe(tokens: number[], mode: Mode = "quote"): () => void {
    const changed: number[] = [];
    for (const token of tokens) {
      let modes = this.wanted.get(token);
      if (!modes) {
        modes = new Map();
        this.wanted.set(token, modes);
      }
      const before = this.modeOf(token);
      modes.set(mode, (modes.get(mode) ?? 0) + 1);
      if (this.modeOf(token) !== before) changed.push(token);
    }
    this.sendModes(changed);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const gone: number[] = [];
      const downgraded: number[] = [];
      for (const token of tokens) {
        const modes = this.wanted.get(token);
        if (!modes) continue;
        const before = this.modeOf(token);
        const count = (modes.get(mode) ?? 1) - 1;
        if (count <= 0) modes.delete(mode);
        else modes.set(mode, count);
        if (modes.size === 0) {
          this.wanted.delete(token);
          gone.push(token);
        } else if (this.modeOf(token) !== before) downgraded.push(token);
      }
      if (gone.length) this.send({ a: "unsubscribe", v: gone });
      this.sendModes(downgraded);
    };
  }

  private modeOf(token: number): Mode | null {
    const modes = this.wanted.get(token);
    if (!modes || modes.size === 0) return null;
    let best: Mode = "ltp";
    for (const mode of modes.keys()) if (MODE_RANK[mode] > MODE_RANK[best]) best = mode;
    return best;
  }

  private sendModes(tokens: number[]): void {
    const byMode = new Map<Mode, number[]>();
    for (const token of tokens) {
      const mode = this.modeOf(token);
      if (!mode) continue;
      byMode.set(mode, [...(byMode.get(mode) ?? []), token]);
    }
    for (const [mode, list] of byMode) this.send({ a: "mode", v: [mode, list] });
  }

  private send(message: unknown): void {
    if (this.socket && this.socket.readyState === SOCKET_OPEN) this.socket.send(JSON.stringify(message));
  }

  onTick(token: number, listener: TickListener): () => void {
    let set = this.tickListeners.get(token);
    if (!set) {
      set = new Set();
      this.tickListeners.set(token, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  onOrder(listener: OrderListener): () => void {
    this.orderListeners.add(listener);
    return () => this.orderListeners.delete(listener);
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onTradable(listener: TradableListener): () => void {
    this.tradableListeners.add(listener);
    return () => this.tradableListeners.delete(listener);
  }

  private setStatus(status: Status): void {
    if (status === this.status) return;
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }

  private connect(): void {
    const url = this.url();
    if (!url || this.stopped) {
      this.setStatus("offline");
      return;
    }
    this.setStatus(this.attempts === 0 ? "connecting" : "reconnecting");
    const socket = this.makeSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempts = 0;
      this.setStatus("open");
      this.sendModes([...this.wanted.keys()]);
    };
    socket.onmessage = (event: MessageEvent) => this.receive(String(event.data));
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      this.setStatus("reconnecting");
      if (event.code === 1008) {
        // The access token expired: refresh it, then reconnect with the new one.
        void this.onExpired().then((ok) => (ok ? this.scheduleReconnect(0) : this.stop()));
        return;
      }
      this.scheduleReconnect(null);
    };
  }

  private scheduleReconnect(delayMs: number | null): void {
    if (this.stopped || this.retryTimer) return;
    const delay = delayMs ?? Math.min(10_000, 500 * 2 ** Math.min(this.attempts, 5));
    this.attempts += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private receive(text: string): void {
    let message: { type?: string; data?: unknown };
    try {
      message = JSON.parse(text) as { type?: string; data?: unknown };
    } catch {
      return;
    }
    if (message.type === "ticks" && Array.isArray(message.data)) {
      const now = performance.now();
      for (const wire of message.data as WireTick[]) {
        const previous = this.ticks.get(wire.instrument_token);
        const tick = parseTick(wire, now);
        // A lighter mode does not erase what a heavier one told (close, depth).
        const merged: Tick = previous
          ? {
              ...tick,
              changeBp: tick.changeBp ?? previous.changeBp,
              close: tick.close ?? previous.close,
              depth: tick.depth ?? previous.depth,
            }
          : tick;
        this.ticks.set(tick.token, merged);
        if (previous && previous.tradable !== tick.tradable) {
          for (const listener of this.tradableListeners) listener(tick.token, tick.tradable);
        }
        const listeners = this.tickListeners.get(tick.token);
        if (listeners) for (const listener of listeners) listener();
      }
    } else if (message.type === "order") {
      for (const listener of this.orderListeners) listener(message.data);
    }
  }
}
