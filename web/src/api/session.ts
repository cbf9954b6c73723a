// The login session of this browser: access and refresh tokens, kept in localStorage so a
// reload stays logged in. Listeners hear every change (login, refresh, logout).

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  accessExpiresAtMs: number;
  userId: number;
  sessionId: string;
}

const KEY = "bourse.session";
type Listener = (tokens: Tokens | null) => void;
const listeners = new Set<Listener>();

function load(): Tokens | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Tokens) : null;
  } catch {
    return null;
  }
}

let current: Tokens | null = typeof localStorage === "undefined" ? null : load();

export function tokens(): Tokens | null {
  return current;
}

export function setTokens(next: Tokens | null): void {
  current = next;
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
  for (const listener of listeners) listener(next);
}

export function onTokens(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  access_expires_at_ns: number;
  user_id: number;
  session_id: string;
}

export function fromPair(pair: TokenPair): Tokens {
  return {
    accessToken: pair.access_token,
    refreshToken: pair.refresh_token,
    accessExpiresAtMs: Math.floor(pair.access_expires_at_ns / 1_000_000),
    userId: pair.user_id,
    sessionId: pair.session_id,
  };
}
