// Named market-watch lists, kept in localStorage: pure updates plus load/save.

export interface Watchlist {
  name: string;
  tokens: number[];
}

export interface WatchlistState {
  lists: Watchlist[];
  active: number;
}

const KEY = "bourse.watchlists";
export const MAX_PER_LIST = 100;

export function defaultState(tokens: number[]): WatchlistState {
  return { lists: [{ name: "Watchlist 1", tokens: tokens.slice(0, MAX_PER_LIST) }], active: 0 };
}

export function addToken(state: WatchlistState, token: number): WatchlistState {
  const list = state.lists[state.active];
  if (!list || list.tokens.includes(token) || list.tokens.length >= MAX_PER_LIST) return state;
  return replaceList(state, state.active, { ...list, tokens: [...list.tokens, token] });
}

export function removeToken(state: WatchlistState, token: number): WatchlistState {
  const list = state.lists[state.active];
  if (!list) return state;
  return replaceList(state, state.active, { ...list, tokens: list.tokens.filter((t) => t !== token) });
}

export function addList(state: WatchlistState, name: string): WatchlistState {
  const trimmed = name.trim() || `Watchlist ${state.lists.length + 1}`;
  return { lists: [...state.lists, { name: trimmed, tokens: [] }], active: state.lists.length };
}

export function renameList(state: WatchlistState, index: number, name: string): WatchlistState {
  const list = state.lists[index];
  if (!list || !name.trim()) return state;
  return replaceList(state, index, { ...list, name: name.trim() });
}

export function deleteList(state: WatchlistState, index: number): WatchlistState {
  if (state.lists.length <= 1) return state;
  const lists = state.lists.filter((_, i) => i !== index);
  return { lists, active: Math.min(state.active, lists.length - 1) };
}

function replaceList(state: WatchlistState, index: number, list: Watchlist): WatchlistState {
  return { ...state, lists: state.lists.map((l, i) => (i === index ? list : l)) };
}

function valid(value: unknown): value is WatchlistState {
  const state = value as WatchlistState;
  return (
    typeof state === "object" &&
    state !== null &&
    Array.isArray(state.lists) &&
    state.lists.length > 0 &&
    state.lists.every((l) => typeof l.name === "string" && Array.isArray(l.tokens)) &&
    Number.isInteger(state.active)
  );
}

export function loadWatchlists(storageKey: string = KEY): WatchlistState | null {
  try {
    const raw = localStorage.getItem(storageKey);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (!valid(parsed)) return null;
    return { ...parsed, active: Math.min(Math.max(parsed.active, 0), parsed.lists.length - 1) };
  } catch {
    return null;
  }
}

export function saveWatchlists(state: WatchlistState, storageKey: string = KEY): void {
  localStorage.setItem(storageKey, JSON.stringify(state));
}
