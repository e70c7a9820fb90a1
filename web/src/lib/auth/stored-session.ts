/**
 * The session token kept by this browser: localStorage key `webkvm.session`, JSON
 * `{ token, user, role, expiresAt }` (CONTRACT.md). Not a cookie, so the browser never attaches it
 * to a request by itself; the api client and the WebSocket hello present it explicitly.
 */

export type Role = 'admin' | 'operator' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer'];

export interface StoredSession {
  /** Opaque bearer token (base64url), ≤ 256 chars. */
  token: string;
  user: string;
  role: Role;
  /** Absolute expiry, ms since the Unix epoch (the idle timeout can end it sooner). */
  expiresAt: number;
}

export const SESSION_KEY = 'webkvm.session';

/** Storage as far as this module needs it (localStorage in the page, a Map-backed fake in tests). */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function isStoredSession(v: unknown): v is StoredSession {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.token === 'string' &&
    s.token.length > 0 &&
    s.token.length <= 256 &&
    typeof s.user === 'string' &&
    typeof s.role === 'string' &&
    (ROLES as readonly string[]).includes(s.role) &&
    typeof s.expiresAt === 'number'
  );
}

/** The stored session, or null if none, unreadable, or past its absolute expiry at `now` (ms). */
export function loadSession(store: KeyValueStore, now = Date.now()): StoredSession | null {
  let raw: string | null;
  try {
    raw = store.getItem(SESSION_KEY);
  } catch (e) {
    console.warn('session storage unreadable', e);
    return null;
  }
  if (raw === null) return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    console.warn('stored session is not JSON; dropping it', e);
    store.removeItem(SESSION_KEY);
    return null;
  }
  if (!isStoredSession(v) || v.expiresAt <= now) {
    store.removeItem(SESSION_KEY);
    return null;
  }
  return { token: v.token, user: v.user, role: v.role, expiresAt: v.expiresAt };
}

/** Stores `s`, or removes the stored session for null. Storage failures are logged, not thrown. */
export function saveSession(store: KeyValueStore, s: StoredSession | null): void {
  try {
    if (s) store.setItem(SESSION_KEY, JSON.stringify(s));
    else store.removeItem(SESSION_KEY);
  } catch (e) {
    console.warn('session not saved', e);
  }
}
