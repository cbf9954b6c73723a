// Shared hooks: the ticker, live ticks, the router, and the API queries.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { ApiError, api, rawGet, unwrap } from "./api/client";
import { search } from "./lib/search";
import type { Instrument } from "./api/types";
import type { Mode, Status, Tick, Ticker } from "./lib/ticker";

export const TickerContext = createContext<Ticker | null>(null);

export function useTicker(): Ticker {
  const ticker = useContext(TickerContext);
  if (!ticker) throw new Error("useTicker outside TickerContext");
  return ticker;
}

/** The latest tick of ``token`` (re-renders on each of its ticks only). */
export function useTick(token: number | null | undefined): Tick | undefined {
  const ticker = useTicker();
  return useSyncExternalStore(
    (notify) => (token == null ? () => undefined : ticker.onTick(token, notify)),
    () => (token == null ? undefined : ticker.tick(token)),
  );
}

/** Keep ``tokens`` subscribed in ``mode`` while mounted. */
export function useSubscription(tokens: number[], mode: Mode = "quote"): void {
  const ticker = useTicker();
  const key = tokens.join(",");
  useEffect(() => {
    if (!key) return;
    return ticker.subscribe(key.split(",").map(Number), mode);
  }, [ticker, key, mode]);
}

export function useTickerStatus(): Status {
  const ticker = useTicker();
  return useSyncExternalStore(
    (notify) => ticker.onStatus(notify),
    () => ticker.getStatus(),
  );
}

// --- router: the path is the screen ---------------------------------------------------------

const ROUTE_EVENT = "bourse:navigate";

export function navigate(path: string): void {
  if (location.pathname + location.search === path) return;
  history.pushState(null, "", path);
  window.dispatchEvent(new Event(ROUTE_EVENT));
}

function subscribeRoute(notify: () => void): () => void {
  window.addEventListener("popstate", notify);
  window.addEventListener(ROUTE_EVENT, notify);
  return () => {
    window.removeEventListener("popstate", notify);
    window.removeEventListener(ROUTE_EVENT, notify);
  };
}

export function usePath(): string {
  return useSyncExternalStore(subscribeRoute, () => location.pathname);
}

// --- queries --------------------------------------------------------------------------------

export const keys = {
  funds: ["funds"] as const,
  orders: ["orders"] as const,
  trades: ["trades"] as const,
  positions: ["positions"] as const,
  holdings: ["holdings"] as const,
  instruments: ["instruments"] as const,
};

export function useInstruments() {
  return useQuery({
    queryKey: keys.instruments,
    queryFn: () => unwrap(api.GET("/api/v1/instruments")),
    staleTime: 5 * 60_000,
  });
}

export function useInstrumentMap(): Map<number, Instrument> {
  const { data } = useInstruments();
  return useMemo(() => new Map((data ?? []).map((i) => [i.instrument_token, i])), [data]);
}

export function useFunds() {
  return useQuery({ queryKey: keys.funds, queryFn: () => unwrap(api.GET("/api/v1/funds")) });
}

export function useOrders() {
  return useQuery({ queryKey: keys.orders, queryFn: () => unwrap(api.GET("/api/v1/orders")) });
}

export function useTrades() {
  return useQuery({ queryKey: keys.trades, queryFn: () => unwrap(api.GET("/api/v1/trades")) });
}

export function usePositions() {
  return useQuery({ queryKey: keys.positions, queryFn: () => unwrap(api.GET("/api/v1/portfolio/positions")) });
}

export function useHoldings() {
  return useQuery({ queryKey: keys.holdings, queryFn: () => unwrap(api.GET("/api/v1/portfolio/holdings")) });
}

// --- search: the server's search (market data) when it has one, else the list, filtered here --

let serverSearch: boolean | null = null; // unknown until the first answer

export function useSearch(query: string, instruments: Instrument[]): Instrument[] {
  const local = useMemo(() => (query.trim() ? search(query, instruments) : []), [query, instruments]);
  const [debounced, setDebounced] = useState(query);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(query), 150);
    return () => clearTimeout(timer);
  }, [query]);
  const q = debounced.trim();
  const remote = useQuery({
    queryKey: ["search", q],
    enabled: q.length > 0 && serverSearch !== false,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
    queryFn: async () => {
      try {
        const found = await rawGet<Instrument[]>(`/api/v1/instruments/search?q=${encodeURIComponent(q)}&limit=12`);
        serverSearch = true;
        return found;
      } catch (error) {
        if (error instanceof ApiError && (error.status === 404 || error.status === 405)) serverSearch = false;
        throw error;
      }
    },
  });
  if (!query.trim()) return [];
  return serverSearch && remote.data ? remote.data : local;
}
