// The terminal: auth gate, the stream, the layout (header, market watch, screens), the order
// window, depth, toasts for fills/rejections/market status and the connection status.
import { QueryClient, QueryClientProvider, useQueryClient } from "@tanstack/react-query";
import { Suspense, lazy, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { api, refreshSession, unwrap } from "./api/client";
import { onTokens, setTokens, tokens } from "./api/session";
import type { Order } from "./api/types";
import { DepthPanel } from "./components/DepthPanel";
import { OrderWindow } from "./components/OrderWindow";
import { Toasts } from "./components/Toasts";
import { TickerContext, keys, navigate, useFunds, useInstrumentMap, usePath, useTicker, useTickerStatus } from "./hooks";
import { formatInr, toPaise } from "./lib/money";
import { Ticker } from "./lib/ticker";
import { AccountScreen } from "./screens/Account";
import { AuthScreen } from "./screens/Auth";
import { FundsScreen } from "./screens/Funds";
import { OrdersScreen, TradesScreen } from "./screens/Orders";
import { HoldingsScreen, PortfolioSummary, PositionsScreen } from "./screens/Portfolio";
import { ReportsScreen } from "./screens/Reports";
import { Watchlist } from "./screens/Watchlist";
import { UiProvider, useUi } from "./ui";

const ChartScreen = lazy(() => import("./screens/Chart"));

type Theme = "light" | "dark";

function initialTheme(): Theme {
  const saved = localStorage.getItem("bourse.theme");
  if (saved === "light" || saved === "dark") return saved;
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem("bourse.theme", theme);
  }, [theme]);
  return [theme, () => setTheme((t) => (t === "dark" ? "light" : "dark"))];
}

const NAV: [string, string][] = [
  ["/", "Dashboard"],
  ["/orders", "Orders"],
  ["/trades", "Trades"],
  ["/positions", "Positions"],
  ["/holdings", "Holdings"],
  ["/funds", "Funds"],
  ["/reports", "Reports"],
  ["/account", "Account"],
];

function ConnectionStatus() {
  const status = useTickerStatus();
  const label = status === "open" ? "Live" : status === "connecting" ? "Connecting…" : status === "reconnecting" ? "Reconnecting…" : "Offline";
  return (
    <span className={`conn ${status}`} data-testid="connection" data-status={status} title="Market data stream">
      <i /> {label}
    </span>
  );
}

function Header({ theme, toggleTheme }: { theme: Theme; toggleTheme: () => void }) {
  const path = usePath();
  const funds = useFunds();
  const ticker = useTicker();
  async function logout() {
    try {
      await unwrap(api.POST("/api/v1/auth/logout"));
    } catch {
      // the session may be gone already; forget it here either way
    }
    ticker.stop();
    setTokens(null);
  }
  return (
    <header className="top">
      <a
        className="brand"
        href="/"
        onClick={(e) => {
          e.preventDefault();
          navigate("/");
        }}
      >
        Bourse
      </a>
      <nav>
        {NAV.map(([href, label]) => (
          <a
            key={href}
            href={href}
            className={path === href ? "active" : ""}
            onClick={(e) => {
              e.preventDefault();
              navigate(href);
            }}
          >
            {label}
          </a>
        ))}
      </nav>
      <span className="spacer" />
      <span className="cash" title="Available funds">
        {funds.data ? formatInr(toPaise(funds.data.available)) : ""}
      </span>
      <ConnectionStatus />
      <button onClick={toggleTheme} title="Light / dark theme" aria-label="Toggle theme">
        {theme === "dark" ? "☀" : "☾"}
      </button>
      <button onClick={() => void logout()}>Logout</button>
    </header>
  );
}

function Dashboard() {
  const funds = useFunds();
  return (
    <div className="screen">
      <section className="panel">
        <h2>Equity</h2>
        <div className="summary big">
          <span>
            Margin available <b>{funds.data ? formatInr(toPaise(funds.data.available)) : "—"}</b>
          </span>
          <span>
            Used by orders <b>{funds.data ? formatInr(toPaise(funds.data.blocked)) : "—"}</b>
          </span>
        </div>
        <p className="muted">
          Hover an instrument in the market watch: <kbd>B</kbd> buy, <kbd>S</kbd> sell, <kbd>D</kbd> depth, ↑/↓ move. In the order window <kbd>Enter</kbd> places,{" "}
          <kbd>Esc</kbd> closes.
        </p>
      </section>
      <PortfolioSummary />
    </div>
  );
}

function Screen() {
  const path = usePath();
  const chart = /^\/chart\/(\d+)$/.exec(path);
  if (chart) {
    return (
      <Suspense fallback={<p className="muted">Loading chart…</p>}>
        <ChartScreen token={Number(chart[1])} />
      </Suspense>
    );
  }
  switch (path) {
    case "/orders":
      return <OrdersScreen />;
    case "/trades":
      return <TradesScreen />;
    case "/positions":
      return <PositionsScreen />;
    case "/holdings":
      return <HoldingsScreen />;
    case "/funds":
      return <FundsScreen />;
    case "/reports":
      return <ReportsScreen />;
    case "/account":
      return <AccountScreen />;
    default:
      return <Dashboard />;
  }
}

/** Order updates from the stream: refresh what they change, toast fills and rejections. */
function StreamEffects() {
  const ticker = useTicker();
  const queryClient = useQueryClient();
  const ui = useUi();
  const instruments = useInstrumentMap();
  const symbols = useRef(instruments);
  symbols.current = instruments;
  const { toast } = ui;
  // Stable across renders: a re-render must not drop a pending refresh or the dedupe memory.
  useEffect(() => {
    const seen = new Map<string, string>();
    let pending: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      // Coalesce bursts of updates into one round of reads (the API rate-limits per user).
      if (pending) return;
      pending = setTimeout(() => {
        pending = null;
        for (const key of [keys.orders, keys.funds, keys.positions, keys.holdings, keys.trades]) void queryClient.invalidateQueries({ queryKey: key });
      }, 150);
    };
    const offOrder = ticker.onOrder((data) => {
      const order = data as Order;
      const state = `${order.status}:${order.filled_quantity}`;
      if (seen.get(order.order_id) === state) return;
      seen.set(order.order_id, state);
      const what = `${order.transaction_type} ${order.filled_quantity || order.quantity} ${order.tradingsymbol}`;
      if (order.status === "COMPLETE") toast("success", "Order executed", `${what} at ₹${order.average_price}`);
      else if (order.status === "REJECTED") toast("error", "Order rejected", `${order.tradingsymbol}: ${order.status_message ?? ""}`);
      else if (order.status === "OPEN" && order.filled_quantity > 0) toast("success", "Order partly filled", what);
      refresh();
    });
    const offTradable = ticker.onTradable((token, tradable) => {
      const symbol = symbols.current.get(token)?.tradingsymbol ?? String(token);
      toast(tradable ? "info" : "error", tradable ? `${symbol} resumed` : `${symbol} halted`, tradable ? "Trading resumed" : "Trading is halted");
    });
    let wasOpen = ticker.getStatus() === "open";
    let lost = false;
    const offStatus = ticker.onStatus((status) => {
      if (status === "open" && !wasOpen) {
        refresh(); // updates missed while away
        if (lost) toast("success", "Reconnected", "Live prices and order updates resumed");
        lost = false;
      }
      if (status === "reconnecting" && wasOpen) {
        lost = true;
        toast("error", "Connection lost", "Reconnecting to the market data stream…");
      }
      wasOpen = status === "open";
    });
    return () => {
      offOrder();
      offTradable();
      offStatus();
      if (pending) clearTimeout(pending);
    };
  }, [ticker, queryClient, toast]);
  return null;
}

function Terminal() {
  const [theme, toggleTheme] = useTheme();
  const ticker = useMemo(
    () =>
      new Ticker(
        () => {
          const session = tokens();
          if (!session) return null;
          const scheme = location.protocol === "https:" ? "wss" : "ws";
          return `${scheme}://${location.host}/api/v1/ws?access_token=${encodeURIComponent(session.accessToken)}`;
        },
        refreshSession,
      ),
    [],
  );
  useEffect(() => {
    ticker.start();
    // A refreshed access token: reconnect with it before the old one expires.
    const off = onTokens((next) => (next ? ticker.restart() : ticker.stop()));
    return () => {
      off();
      ticker.stop();
    };
  }, [ticker]);
  // Refresh the access token a minute before it expires.
  useEffect(() => {
    const id = setInterval(() => {
      const session = tokens();
      if (session && session.accessExpiresAtMs - Date.now() < 60_000) void refreshSession();
    }, 15_000);
    return () => clearInterval(id);
  }, []);
  return (
    <TickerContext.Provider value={ticker}>
      <UiProvider>
        <div className="app">
          <Header theme={theme} toggleTheme={toggleTheme} />
          <div className="body">
            <Watchlist />
            <main className="main">
              <DepthPanel />
              <Screen />
            </main>
          </div>
          <OrderWindow />
          <Toasts />
          <StreamEffects />
        </div>
      </UiProvider>
    </TickerContext.Provider>
  );
}

function subscribeSession(notify: () => void) {
  return onTokens(notify);
}

export function App() {
  const queryClient = useMemo(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 10_000, refetchOnWindowFocus: false, retry: 1 } },
      }),
    [],
  );
  const session = useSyncExternalStore(subscribeSession, tokens);
  useEffect(() => {
    if (!session) queryClient.clear();
  }, [session, queryClient]);
  return (
    <QueryClientProvider client={queryClient}>{session ? <Terminal key={session.userId} /> : <AuthScreen />}</QueryClientProvider>
  );
}
