// Positions (live P&L, exit) and holdings (live P&L, day change), marked with live ticks.
import type { Holding, Position } from "../api/types";
import { useHoldings, usePositions, useSubscription, useTick } from "../hooks";
import { formatRupees, formatSignedRupees, toPaise } from "../lib/money";
import { holdingDayChange, holdingPnl, positionPnl } from "../lib/pnl";
import { useUi } from "../ui";
import { useSyncExternalStore } from "react";
import { useTicker } from "../hooks";
import type { Ticker } from "../lib/ticker";

const tone = (paise: number) => (paise > 0 ? "up" : paise < 0 ? "down" : "");

function PositionRow({ position }: { position: Position }) {
  const ui = useUi();
  const tick = useTick(position.instrument_token);
  const last = tick?.lastPrice ?? toPaise(position.last_price);
  const pnl = positionPnl(position, last);
  const open = position.quantity !== 0;
  return (
    <tr data-symbol={position.tradingsymbol}>
      <td>{position.product}</td>
      <td>
        {position.tradingsymbol} <small>{position.exchange}</small>
      </td>
      <td className="num">{position.quantity}</td>
      <td className="num">{formatRupees(toPaise(position.average_price))}</td>
      <td className="num">{formatRupees(last)}</td>
      <td className={`num ${tone(pnl)}`} data-testid="position-pnl">
        {formatSignedRupees(pnl)}
      </td>
      <td className="actions">
        {open && (
          <button
            onClick={() =>
              ui.openTicket({
                token: position.instrument_token,
                side: position.quantity > 0 ? "SELL" : "BUY",
                quantity: Math.abs(position.quantity),
                product: position.product as "CNC" | "MIS",
              })
            }
          >
            Exit
          </button>
        )}
      </td>
    </tr>
  );
}

/** Sum of live P&L over rows, re-computed on any of their ticks. */
export function useLiveTotal<T extends { instrument_token: number }>(rows: T[], value: (row: T, last?: number) => number): number {
  const ticker: Ticker = useTicker();
  const tokens = rows.map((r) => r.instrument_token);
  return useSyncExternalStore(
    (notify) => {
      const offs = tokens.map((t) => ticker.onTick(t, notify));
      return () => offs.forEach((off) => off());
    },
    () => rows.reduce((sum, row) => sum + value(row, ticker.tick(row.instrument_token)?.lastPrice), 0),
  );
}

export function PositionsScreen() {
  const { data, isLoading } = usePositions();
  const positions = data?.net ?? [];
  useSubscription(positions.map((p) => p.instrument_token));
  const total = useLiveTotal(positions, positionPnl);
  if (isLoading) return <p className="muted">Loading positions…</p>;
  return (
    <div className="screen">
      <section className="panel" aria-label="Positions">
        <h2>
          Positions <small>({positions.length})</small>
        </h2>
        {positions.length === 0 ? (
          <p className="muted empty">No positions today.</p>
        ) : (
          <div className="table-wrap">
            <table className="grid">
              <thead>
                <tr>
                  <th>Product</th>
                  <th>Instrument</th>
                  <th className="num">Qty.</th>
                  <th className="num">Avg.</th>
                  <th className="num">LTP</th>
                  <th className="num">P&amp;L</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {positions.map((p) => (
                  <PositionRow key={`${p.instrument_token}-${p.product}`} position={p} />
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <td colSpan={5}>Total</td>
                  <td className={`num ${tone(total)}`} data-testid="positions-total">
                    {formatSignedRupees(total)}
                  </td>
                  <td />
                </tr>
              </tfoot>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function HoldingRow({ holding }: { holding: Holding }) {
  const tick = useTick(holding.instrument_token);
  const last = tick?.lastPrice ?? toPaise(holding.last_price);
  const pnl = holdingPnl(holding, last);
  const day = holdingDayChange(holding, last);
  return (
    <tr data-symbol={holding.tradingsymbol}>
      <td>{holding.tradingsymbol}</td>
      <td className="num">{holding.quantity}</td>
      <td className="num">{formatRupees(toPaise(holding.average_price))}</td>
      <td className="num">{formatRupees(last)}</td>
      <td className="num">{formatRupees(holding.quantity * last)}</td>
      <td className={`num ${tone(pnl)}`}>{formatSignedRupees(pnl)}</td>
      <td className={`num ${tone(day)}`}>{formatSignedRupees(day)}</td>
    </tr>
  );
}

export function HoldingsScreen() {
  const { data: holdings = [], isLoading } = useHoldings();
  useSubscription(holdings.map((h) => h.instrument_token));
  const pnl = useLiveTotal(holdings, holdingPnl);
  const day = useLiveTotal(holdings, holdingDayChange);
  if (isLoading) return <p className="muted">Loading holdings…</p>;
  return (
    <div className="screen">
      <section className="panel" aria-label="Holdings">
        <h2>
          Holdings <small>({holdings.length})</small>
        </h2>
        <div className="summary">
          <span>
            Total P&amp;L <b className={tone(pnl)}>{formatSignedRupees(pnl)}</b>
          </span>
          <span>
            Day&apos;s change <b className={tone(day)}>{formatSignedRupees(day)}</b>
          </span>
        </div>
        {holdings.length === 0 ? (
          <p className="muted empty">No holdings.</p>
        ) : (
          <div className="table-wrap">
            <table className="grid">
              <thead>
                <tr>
                  <th>Instrument</th>
                  <th className="num">Qty.</th>
                  <th className="num">Avg. cost</th>
                  <th className="num">LTP</th>
                  <th className="num">Cur. val</th>
                  <th className="num">P&amp;L</th>
                  <th className="num">Day chg.</th>
                </tr>
              </thead>
              <tbody>
                {holdings.map((h) => (
                  <HoldingRow key={h.instrument_token} holding={h} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

/** The dashboard's portfolio summary: holdings and today's positions, marked live. */
export function PortfolioSummary() {
  const holdings = useHoldings().data ?? [];
  const positions = usePositions().data?.net ?? [];
  useSubscription([...holdings, ...positions].map((row) => row.instrument_token));
  const holdingsPnl = useLiveTotal(holdings, holdingPnl);
  const dayChange = useLiveTotal(holdings, holdingDayChange);
  const positionsPnl = useLiveTotal(positions, positionPnl);
  return (
    <section className="panel" aria-label="Portfolio summary">
      <h2>Portfolio</h2>
      <div className="summary big">
        <span>
          Holdings ({holdings.length}) P&amp;L <b className={tone(holdingsPnl)}>{formatSignedRupees(holdingsPnl)}</b>
        </span>
        <span>
          Day&apos;s change <b className={tone(dayChange)}>{formatSignedRupees(dayChange)}</b>
        </span>
        <span>
          Positions ({positions.length}) P&amp;L <b className={tone(positionsPnl)}>{formatSignedRupees(positionsPnl)}</b>
        </span>
      </div>
    </section>
  );
}
