// Orders (open with modify/cancel, executed, rejected with the reason) and trades.
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, newIdempotencyKey, unwrap } from "../api/client";
import type { Order } from "../api/types";
import { keys, useInstrumentMap, useOrders, useTrades } from "../hooks";
import { formatRupees, toPaise } from "../lib/money";
import { useUi } from "../ui";

const OPEN = new Set(["OPEN", "TRIGGER PENDING", "AMO REQ RECEIVED"]);

function time(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Date(iso).toLocaleTimeString(undefined, { hour12: false });
}

function OrderRow({ order, actions }: { order: Order; actions: boolean }) {
  const ui = useUi();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const instruments = useInstrumentMap();
  async function cancel() {
    setError(null);
    try {
      await unwrap(
        api.DELETE("/api/v1/orders/{variety}/{order_id}", {
          params: { path: { variety: order.variety, order_id: order.order_id } },
          headers: { "Idempotency-Key": newIdempotencyKey() },
        }),
      );
      ui.toast("info", `Cancelled order ${order.order_id}`, order.tradingsymbol);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
    void queryClient.invalidateQueries({ queryKey: keys.orders });
    void queryClient.invalidateQueries({ queryKey: keys.funds });
  }
  const price = order.order_type === "MARKET" || order.order_type === "SL-M" ? "MKT" : formatRupees(toPaise(order.price));
  return (
    <tr data-order-id={order.order_id} data-status={order.status}>
      <td>{time(order.order_timestamp)}</td>
      <td className={order.transaction_type === "BUY" ? "up" : "down"}>{order.transaction_type}</td>
      <td>
        {order.tradingsymbol} <small>{order.exchange}</small>
      </td>
      <td>{order.product}</td>
      <td>{order.order_type}</td>
      <td className="num">
        {order.filled_quantity} / {order.quantity}
      </td>
      <td className="num">{order.filled_quantity ? formatRupees(toPaise(order.average_price)) : price}</td>
      <td>
        <span className={`status ${order.status.replace(/\s/g, "-").toLowerCase()}`}>{order.status}</span>
        {order.status_message && (
          <div className="reason" data-testid="reason">
            {order.status_message}
          </div>
        )}
        {error && <div className="form-error">{error}</div>}
      </td>
      {actions && (
        <td className="actions">
          <button
            onClick={() => instruments.has(order.instrument_token) && ui.openTicket({ token: order.instrument_token, side: order.transaction_type as "BUY" | "SELL", modify: order })}
          >
            Modify
          </button>
          <button onClick={cancel}>Cancel</button>
        </td>
      )}
    </tr>
  );
}

function OrderTable({ title, orders, actions }: { title: string; orders: Order[]; actions: boolean }) {
  return (
    <section className="panel" aria-label={title}>
      <h2>
        {title} <small>({orders.length})</small>
      </h2>
      {orders.length === 0 ? (
        <p className="muted empty">No {title.toLowerCase()}.</p>
      ) : (
        <div className="table-wrap">
          <table className="grid">
            <thead>
              <tr>
                <th>Time</th>
                <th>Type</th>
                <th>Instrument</th>
                <th>Product</th>
                <th>Order</th>
                <th className="num">Qty.</th>
                <th className="num">Avg. / Price</th>
                <th>Status</th>
                {actions && <th />}
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <OrderRow key={o.order_id} order={o} actions={actions} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function OrdersScreen() {
  const { data: orders = [], isLoading } = useOrders();
  if (isLoading) return <p className="muted">Loading orders…</p>;
  const newest = [...orders].reverse();
  return (
    <div className="screen">
      <OrderTable title="Open orders" orders={newest.filter((o) => OPEN.has(o.status))} actions />
      <OrderTable title="Executed orders" orders={newest.filter((o) => o.status === "COMPLETE" || o.status === "CANCELLED")} actions={false} />
      <OrderTable title="Rejected orders" orders={newest.filter((o) => o.status === "REJECTED")} actions={false} />
    </div>
  );
}

export function TradesScreen() {
  const { data: trades = [] } = useTrades();
  return (
    <div className="screen">
      <section className="panel" aria-label="Trades">
        <h2>Trades</h2>
        {trades.length === 0 ? (
          <p className="muted empty">No trades today.</p>
        ) : (
          <div className="table-wrap">
            <table className="grid">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Trade</th>
                  <th>Order</th>
                  <th>Type</th>
                  <th>Instrument</th>
                  <th>Product</th>
                  <th className="num">Qty.</th>
                  <th className="num">Price</th>
                  <th className="num">Charges</th>
                </tr>
              </thead>
              <tbody>
                {[...trades].reverse().map((t) => (
                  <tr key={t.trade_id}>
                    <td>{time(t.fill_timestamp)}</td>
                    <td>{t.trade_id}</td>
                    <td>{t.order_id}</td>
                    <td className={t.transaction_type === "BUY" ? "up" : "down"}>{t.transaction_type}</td>
                    <td>{t.tradingsymbol}</td>
                    <td>{t.product}</td>
                    <td className="num">{t.quantity}</td>
                    <td className="num">{formatRupees(toPaise(t.average_price))}</td>
                    <td className="num">{formatRupees(toPaise(t.charges))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
