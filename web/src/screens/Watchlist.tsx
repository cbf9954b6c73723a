// Market watch: named lists (localStorage), search-to-add, live LTP and change with up/down
// flashes, hover actions (buy, sell, chart, depth, remove) and the B/S keys.
import { memo, useEffect, useMemo, useRef, useState } from "react";
import type { Instrument } from "../api/types";
import { navigate, useInstruments, useSearch, useSubscription, useTick } from "../hooks";
import { changeBasisPoints, formatBasisPoints, formatRupees, toPaise } from "../lib/money";
import {
  addList,
  addToken,
  defaultState,
  deleteList,
  loadWatchlists,
  removeToken,
  renameList,
  saveWatchlists,
  type WatchlistState,
} from "../lib/watchlists";
import { useUi } from "../ui";

interface RowProps {
  instrument: Instrument;
  selected: boolean;
  onSelect: (token: number) => void;
  onBuy: (token: number) => void;
  onSell: (token: number) => void;
  onDepth: (token: number) => void;
  onRemove: (token: number) => void;
}

const WatchRow = memo(function WatchRow({ instrument, selected, onSelect, onBuy, onSell, onDepth, onRemove }: RowProps) {
  const token = instrument.instrument_token;
  const tick = useTick(token);
  const close = tick?.close ?? toPaise(instrument.close_price);
  const last = tick?.lastPrice ?? toPaise(instrument.last_price);
  const change = tick?.changeBp ?? changeBasisPoints(last, close);
  const priceRef = useRef<HTMLSpanElement>(null);
  const previous = useRef(last);
  useEffect(() => {
    const before = previous.current;
    previous.current = last;
    if (before === last || !priceRef.current) return;
    priceRef.current.dataset.dir = last > before ? "up" : "down";
    priceRef.current.animate?.([{ backgroundColor: last > before ? "var(--up-flash)" : "var(--down-flash)" }, { backgroundColor: "transparent" }], {
      duration: 700,
      easing: "ease-out",
    });
  }, [last]);
  const direction = change > 0 ? "up" : change < 0 ? "down" : "flat";
  return (
    <li
      className={`watch-row${selected ? " selected" : ""}${tick && !tick.tradable ? " halted" : ""}`}
      data-symbol={instrument.tradingsymbol}
      tabIndex={0}
      onMouseEnter={() => onSelect(token)}
      onFocus={() => onSelect(token)}
    >
      <span className={`symbol ${direction}`}>
        {instrument.tradingsymbol}
        <small>{instrument.exchange}</small>
      </span>
      <span className={`change ${direction}`}>{formatBasisPoints(change)}</span>
      <span className={`ltp ${direction}`} ref={priceRef} data-testid="ltp">
        {formatRupees(last)}
      </span>
      <span className="row-actions">
        <button className="buy" title="Buy (B)" onClick={() => onBuy(token)}>
          B
        </button>
        <button className="sell" title="Sell (S)" onClick={() => onSell(token)}>
          S
        </button>
        <button title="Market depth" onClick={() => onDepth(token)}>
          D
        </button>
        <button title="Chart" onClick={() => navigate(`/chart/${token}`)}>
          C
        </button>
        <button title="Remove" onClick={() => onRemove(token)}>
          ×
        </button>
      </span>
    </li>
  );
});

function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return !!element && (element.tagName === "INPUT" || element.tagName === "TEXTAREA" || element.tagName === "SELECT" || element.isContentEditable);
}

export function Watchlist() {
  const { data: instruments } = useInstruments();
  const ui = useUi();
  const [state, setState] = useState<WatchlistState | null>(() => loadWatchlists());
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState<number | null>(null);

  useEffect(() => {
    if (!state && instruments) setState(defaultState(instruments.map((i) => i.instrument_token)));
  }, [state, instruments]);
  useEffect(() => {
    if (state) saveWatchlists(state);
  }, [state]);

  const byToken = useMemo(() => new Map((instruments ?? []).map((i) => [i.instrument_token, i])), [instruments]);
  const list = state?.lists[state.active];
  const rows = (list?.tokens ?? []).map((t) => byToken.get(t)).filter((i): i is Instrument => !!i);
  useSubscription(rows.map((r) => r.instrument_token));
  const results = useSearch(query, instruments ?? []);

  const { openTicket, showDepth } = ui;
  const handlers = useMemo(
    () => ({
      onSelect: (token: number) => setSelected(token),
      onBuy: (token: number) => openTicket({ token, side: "BUY" }),
      onSell: (token: number) => openTicket({ token, side: "SELL" }),
      onDepth: (token: number) => showDepth(token),
      onRemove: (token: number) => setState((s) => (s ? removeToken(s, token) : s)),
    }),
    [openTicket, showDepth],
  );

  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const ticketOpen = ui.ticket !== null;
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (ticketOpen || isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
      const tokens = rowsRef.current.map((r) => r.instrument_token);
      const current = selectedRef.current ?? tokens[0];
      if (current === undefined) return;
      const key = event.key.toLowerCase();
      if (key === "b" || key === "s") {
        event.preventDefault();
        openTicket({ token: current, side: key === "b" ? "BUY" : "SELL" });
      } else if (key === "d") {
        showDepth(current);
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const index = tokens.indexOf(current);
        const next = tokens[Math.min(tokens.length - 1, Math.max(0, index + (event.key === "ArrowDown" ? 1 : -1)))];
        if (next !== undefined) setSelected(next);
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [ticketOpen, openTicket, showDepth]);

  function add(token: number) {
    setState((s) => (s ? addToken(s, token) : s));
    setQuery("");
  }

  return (
    <aside className="watchlist" aria-label="Market watch">
      <div className="search">
        <input
          type="search"
          placeholder="Search eg: infy, reliance"
          aria-label="Search instruments"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && results[0]) add(results[0].instrument_token);
            if (e.key === "Escape") setQuery("");
          }}
        />
        <span className="count">
          {rows.length} / {instruments?.length ?? 0}
        </span>
        {results.length > 0 && (
          <ul className="results" role="listbox">
            {results.map((r) => (
              <li key={r.instrument_token} role="option" aria-selected={false} onMouseDown={() => add(r.instrument_token)}>
                <b>{r.tradingsymbol}</b> <small>{r.exchange}</small>
                <span className="name">{r.name}</span>
                {list?.tokens.includes(r.instrument_token) && <small className="added">added</small>}
              </li>
            ))}
          </ul>
        )}
      </div>
      <ul className="watch-rows">
        {rows.map((instrument) => (
          <WatchRow key={instrument.instrument_token} instrument={instrument} selected={selected === instrument.instrument_token} {...handlers} />
        ))}
        {rows.length === 0 && <li className="empty">Nothing here yet: search above to add instruments.</li>}
      </ul>
      {state && (
        <nav className="list-tabs" aria-label="Watchlists">
          {state.lists.map((l, index) => (
            <button
              key={index}
              className={index === state.active ? "active" : ""}
              title={`${l.name} (double-click to rename)`}
              onClick={() => setState({ ...state, active: index })}
              onDoubleClick={() => {
                const name = window.prompt("Rename watchlist", l.name);
                if (name) setState(renameList(state, index, name));
              }}
            >
              {index + 1}
            </button>
          ))}
          <button title="New watchlist" onClick={() => setState(addList(state, ""))}>
            +
          </button>
          {state.lists.length > 1 && (
            <button title="Delete this watchlist" onClick={() => setState(deleteList(state, state.active))}>
              −
            </button>
          )}
          <span className="list-name">{list?.name}</span>
        </nav>
      )}
    </aside>
  );
}
