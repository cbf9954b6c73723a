// The typed API client (openapi-fetch over the generated schema) with the session's bearer
// token, one refresh-and-retry on an expired access token, and errors as ApiError.
import createClient from "openapi-fetch";
import type { paths } from "./schema";
import { fromPair, setTokens, tokens, type TokenPair } from "./session";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
    readonly data: unknown = null,
  ) {
    super(message);
    this.name = "ApiError";
  }

  get code(): string | undefined {
    const data = this.data as { code?: unknown; reason?: unknown } | null;
    const value = data?.code ?? data?.reason;
    return typeof value === "string" ? value : undefined;
  }
}

interface Envelope {
  status?: string;
  error_type?: string;
  message?: string;
  data?: unknown;
}

export async function errorFrom(response: Response): Promise<ApiError> {
  let body: Envelope = {};
  try {
    body = (await response.json()) as Envelope;
  } catch {
    // not JSON: a proxy's page, a dropped connection
  }
  const message = body.message ?? (response.statusText || `HTTP ${response.status}`);
  return new ApiError(response.status, body.error_type ?? "NetworkException", message, body.data ?? null);
}

let refreshing: Promise<boolean> | null = null;

/** Exchange the refresh token once for everyone waiting; false when the session is over. */
export function refreshSession(): Promise<boolean> {
  if (refreshing) return refreshing;
  const session = tokens();
  if (!session) return Promise.resolve(false);
  refreshing = (async () => {
    try {
      const response = await fetch("/api/v1/auth/refresh", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: session.refreshToken }),
      });
      if (!response.ok) {
        if (response.status === 401) setTokens(null);
        return false;
      }
      const body = (await response.json()) as { data: TokenPair };
      setTokens(fromPair(body.data));
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function withAuth(request: Request): Request {
  const session = tokens();
  if (!session) return request;
  const headers = new Headers(request.headers);
  headers.set("Authorization", `Bearer ${session.accessToken}`);
  return new Request(request, { headers });
}

/** fetch with the bearer token; an expired token is refreshed once and the call retried. */
export async function authFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const response = await fetch(withAuth(input));
  if (response.status !== 401 || input.url.includes("/api/v1/auth/") || !tokens()) return response;
  if (!(await refreshSession())) return response;
  return fetch(withAuth(retry));
}

export const api = createClient<paths>({
  baseUrl: "",
  fetch: authFetch,
});

/** The envelope's ``data`` of a successful call, or the API's error thrown as ApiError. */
export async function unwrap<T>(call: Promise<{ data?: { data: T }; error?: unknown; response: Response }>): Promise<T> {
  const result = await call;
  if (result.data !== undefined && result.response.ok) return result.data.data;
  const body = (result.error ?? {}) as Envelope;
  throw new ApiError(
    result.response.status,
    body.error_type ?? "NetworkException",
    body.message ?? (result.response.statusText || `HTTP ${result.response.status}`),
    body.data ?? null,
  );
}

/** A call to a route that may not be in the generated schema yet (e.g. candles). */
export async function rawGet<T>(path: string): Promise<T> {
  const response = await authFetch(new Request(path));
  if (!response.ok) throw await errorFrom(response);
  const body = (await response.json()) as { data: T };
  return body.data;
}

export async function rawPost<T>(path: string, payload: unknown): Promise<T> {
  const response = await authFetch(
    new Request(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
    }),
  );
  if (!response.ok) throw await errorFrom(response);
  const body = (await response.json()) as { data: T };
  return body.data;
}

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** A route that another part of the platform may not serve yet: its data, or null on 404/405. */
export async function optionalGet<T>(path: string): Promise<T | null> {
  try {
    return await rawGet<T>(path);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
    throw error;
  }
}

/** GET with the session's token and hand the body to the browser as a file download. */
export async function download(path: string, filename: string): Promise<void> {
  const response = await authFetch(new Request(path));
  if (!response.ok) throw await errorFrom(response);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
