/**
 * The one HTTP client for the bridge's /api/* (CONTRACT.md, "Auth HTTP API"). JSON in and out; the
 * session token travels only as `Authorization: Bearer <token>` (never cookies: `credentials:
 * 'omit'`, never query strings). Error answers `{ error, message }` become ApiError values with
 * that code; a 401 to a request that carried a token means the session is gone, and calls
 * `onUnauthorized` (the app then shows the login page).
 */

/** `error` codes of the Auth HTTP API, plus 'network' and 'bad-response' raised here. */
export type ApiErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'bad-credentials'
  | 'throttled'
  | 'setup-token'
  | 'setup-required'
  | 'setup-done'
  | 'bad-request'
  | 'exists'
  | 'last-admin'
  | 'not-found'
  | 'busy'
  | 'network'
  | 'bad-response'
  | 'http';

const KNOWN: readonly string[] = [
  'unauthorized',
  'forbidden',
  'bad-credentials',
  'throttled',
  'setup-token',
  'setup-required',
  'setup-done',
  'bad-request',
  'exists',
  'last-admin',
  'not-found',
  'busy',
];

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** HTTP status (0 when the request never got an answer). */
    readonly status: number,
    /** For 'throttled': how long to wait before the next attempt, ms. */
    readonly retryAfterMs = 0,
  ) {
    super(message);
  }
}

export interface ApiClient {
  /**
   * One request to `path` (e.g. '/api/users'); resolves to the parsed JSON body, or undefined for
   * 204. Rejects with ApiError only.
   */
  request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export interface ApiClientOptions {
  /** The current session token, or '' when logged out (then no Authorization header is sent). */
  token(): string;
  /** A request that carried a token got 401: the session expired or was revoked. */
  onUnauthorized(): void;
  fetch?: typeof fetch;
}

/** Retry-After (RFC 9110 §10.2.3) in delay-seconds form → ms; 0 if absent or a date. */
function retryAfterHeader(v: string | null): number {
  const s = v === null ? Number.NaN : Number(v);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : 0;
}

export function makeApiClient(opts: ApiClientOptions): ApiClient {
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const token = opts.token();
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (token) headers.authorization = `Bearer ${token}`;
      let res: Response;
      try {
        res = await doFetch(path, {
          method,
          headers,
          credentials: 'omit',
          cache: 'no-store',
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
      } catch (e) {
        throw new ApiError('network', `cannot reach the KVM: ${e instanceof Error ? e.message : String(e)}`, 0);
      }
      if (res.status === 204) return undefined as T;
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch (e) {
        throw new ApiError('bad-response', `${method} ${path}: not JSON (${String(e)})`, res.status);
      }
      if (res.ok) return json as T;
      const err = (json ?? {}) as { error?: unknown; message?: unknown; retryAfterMs?: unknown };
      const code = typeof err.error === 'string' && KNOWN.includes(err.error) ? (err.error as ApiErrorCode) : 'http';
      const message = typeof err.message === 'string' ? err.message : `${method} ${path}: HTTP ${res.status}`;
      const retryAfterMs =
        typeof err.retryAfterMs === 'number' && err.retryAfterMs >= 0
          ? err.retryAfterMs
          : retryAfterHeader(res.headers.get('retry-after'));
      if (res.status === 401 && token) opts.onUnauthorized();
      throw new ApiError(
        res.status === 401 && code === 'http' ? 'unauthorized' : code,
        message,
        res.status,
        retryAfterMs,
      );
    },
  };
}
