// Market depth: 5 levels live from the stream (full mode), 20 on demand (REST, refreshed),
// with the total buy and sell quantity of the book.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/client";
import { useInstrumentMap, useSubscription, useTick } from "../hooks";
import { formatRupees, toPaise } from "../lib/money";
import type { DepthLevel } from "../lib/ticker";
import { useUi } from "../ui";

function Side({ title, levels, kind }: { title: string; levels: DepthLevel[]; kind: "bid" | "ask" }) {
  return (
    <table className={`depth-side ${kind}`}>
      <thead>
        <tr>
          <th>{title}</th>
          <th>Orders</th>
          <th>Qty.</th>
        </tr>
      </thead>
      <tbody>
        {levels.map((level, index) => (
          <tr key={index}>
            <td>{formatRupees(level.price)}</td>
            <td>{level.orders}</td>
            <td>{level.quantity}</td>
          </tr>
        ))}
        {levels.length === 0 && (
          <tr>
            <td colSpan={3} className="muted">
              no orders
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

export function DepthPanel() {
  const ui = useUi();
  const token = ui.depthToken;
  const instruments = useInstrumentMap();
  const [twenty, setTwenty] = useState(false);
  useSubscription(token === null ? [] : [token], "full");
  const tick = useTick(token);
  const instrument = token === null ? undefined : instruments.get(token);
  const deep = useQuery({
    queryKey: ["depth20", token],
    enabled: twenty && token !== null,
    refetchInterval: 2000,
    queryFn: async () => {
      const answer = await unwrap(api.GET("/api/v1/quote/depth", { params: { query: { i: [String(token)], levels: 20 } } }));
      return answer[String(token)] ?? null;
    },
  });
  if (token === null || !instrument) return null;
  const fromRest = twenty && deep.data;
  const buy: DepthLevel[] = fromRest
    ? deep.data!.depth.buy.map((l) => ({ price: toPaise(l.price), quantity: l.quantity, orders: l.orders }))
    : (tick?.depth?.buy ?? []);
  const sell: DepthLevel[] = fromRest
    ? deep.data!.depth.sell.map((l) => ({ price: toPaise(l.price), quantity: l.quantity, orders: l.orders }))
    : (tick?.depth?.sell ?? []);
  const totalBuy = fromRest ? deep.data!.total_buy_quantity : tick?.totalBuy;
  const totalSell = fromRest ? deep.data!.total_sell_quantity : tick?.totalSell;
  return (
    <section className="panel depth" aria-label="Market depth">
      <header>
        <b>{instrument.tradingsymbol}</b> depth
        <button onClick={() => setTwenty(!twenty)}>{twenty ? "5 levels" : "20 levels"}</button>
        <button onClick={() => ui.showDepth(null)} title="Close">
          ×
        </button>
      </header>
      <div className="depth-grid">
        <Side title="Bid" levels={buy} kind="bid" />
        <Side title="Offer" levels={sell} kind="ask" />
      </div>
      <footer className="depth-totals">
        <span>
          Total buy <b data-testid="total-buy">{totalBuy ?? "—"}</b>
        </span>
        <span>
          Total sell <b data-testid="total-sell">{totalSell ?? "—"}</b>
        </span>
      </footer>
      <div className="depth-actions">
        <button className="buy primary" onClick={() => ui.openTicket({ token, side: "BUY" })}>
          Buy
        </button>
        <button className="sell primary" onClick={() => ui.openTicket({ token, side: "SELL" })}>
          Sell
        </button>
      </div>
    </section>
  );
}
