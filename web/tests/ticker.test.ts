import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Ticker } from "../src/lib/ticker";

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

function ticker(refresh = async () => true) {
  return new Ticker(() => "ws://test/api/v1/ws?access_token=t", refresh, (url) => new FakeSocket(url) as unknown as WebSocket);
}

const quote = (token: number, last: number, tradable = true) => ({
  mode: "quote",
  instrument_token: token,
  tradable,
  last_price: last,
  change: 1.25,
  volume_traded: 10,
  total_buy_quantity: 5,
  total_sell_quantity: 7,
  ohlc: { open: 100, high: 102, low: 99, close: 100.05 },
});

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe("Ticker", () => {
  it("subscribes on open and keeps the latest tick in paise", () => {
    const t = ticker();
    t.subscribe([408065, 884737]);
    t.start();
    const socket = FakeSocket.all[0]!;
    socket.open();
    expect(socket.sent).toEqual([{ a: "mode", v: ["quote", [408065, 884737]] }]);
    const heard = vi.fn();
    t.onTick(408065, heard);
    socket.receive({ type: "ticks", data: [quote(408065, 1523.6)] });
    expect(heard).toHaveBeenCalledOnce();
    expect(t.tick(408065)).toMatchObject({ lastPrice: 152360, changeBp: 125, close: 10005, totalBuy: 5 });
  });

  it("counts subscriptions and unsubscribes only when the last one goes", () => {
    const t = ticker();
    t.start();
    const socket = FakeSocket.all[0]!;
    socket.open();
    const first = t.subscribe([1]);
    const second = t.subscribe([1]);
    const full = t.subscribe([1], "full");
    full();
    first();
    second();
    expect(socket.sent).toEqual([
      { a: "mode", v: ["quote", [1]] },
      { a: "mode", v: ["full", [1]] },
      { a: "mode", v: ["quote", [1]] },
      { a: "unsubscribe", v: [1] },
    ]);
  });

  it("reconnects with backoff and resubscribes", () => {
    const t = ticker();
    const statuses: string[] = [];
    t.onStatus((s) => statuses.push(s));
    t.subscribe([7], "full");
    t.start();
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.drop();
    expect(t.getStatus()).toBe("reconnecting");
    vi.advanceTimersByTime(499);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    const again = FakeSocket.all[1]!;
    again.open();
    expect(again.sent).toEqual([{ a: "mode", v: ["full", [7]] }]);
    expect(statuses).toEqual(["connecting", "open", "reconnecting", "open"]);
  });

  it("refreshes the session before reconnecting after a token expiry", async () => {
    const refresh = vi.fn(async () => true);
    const t = ticker(refresh);
    t.start();
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.drop(1008);
    await vi.runAllTimersAsync();
    expect(refresh).toHaveBeenCalledOnce();
    expect(FakeSocket.all).toHaveLength(2);
  });

  it("passes order updates on and tells when an instrument halts", () => {
    const t = ticker();
    const orders = vi.fn();
    const halts = vi.fn();
    t.onOrder(orders);
    t.onTradable(halts);
    t.start();
    const socket = FakeSocket.all[0]!;
    socket.open();
    socket.receive({ type: "order", data: { order_id: "17", status: "COMPLETE" } });
    socket.receive({ type: "ticks", data: [quote(3, 10)] });
    socket.receive({ type: "ticks", data: [quote(3, 10, false)] });
    expect(orders).toHaveBeenCalledWith({ order_id: "17", status: "COMPLETE" });
    expect(halts).toHaveBeenCalledWith(3, false);
  });
});
