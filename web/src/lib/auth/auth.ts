import { createSignal, type Accessor } from 'solid-js';
import { ApiError, makeApiClient, type ApiClient } from './api.ts';
import {
  isStoredSession,
  loadSession,
  saveSession,
  type KeyValueStore,
  type Role,
  type StoredSession,
} from './stored-session.ts';

/** 200 answer of POST /api/login, /api/login/once and /api/setup. */
export interface LoginReply {
  token: string;
  user: string;
  role: Role;
  /** ms since the Unix epoch. */
  expiresAt: number;
  idleTimeoutMs: number;
}

/** GET /api/me. */
export interface Me {
  user: string;
  role: Role;
  sessionId: string;
  expiresAt: number;
}

export interface Auth {
  /** The logged-in session, or null (the login page shows). */
  session: Accessor<StoredSession | null>;
  /** Why the last session ended, for the login page ('' after a plain logout or none). */
  endedReason: Accessor<string>;
  api: ApiClient;
  /** GET /api/auth/state (public). */
  state(): Promise<{ setupRequired: boolean }>;
  /** POST /api/login. Rejects with ApiError ('bad-credentials'; 'throttled' with retryAfterMs). */
  login(user: string, password: string): Promise<void>;
  /** POST /api/login/once with a `#login=` link's token. */
  loginOnce(oneTimeToken: string): Promise<void>;
  /** POST /api/setup with a `#setup=` link's token: creates the first admin and logs in. */
  setup(setupToken: string, user: string, password: string): Promise<void>;
  /** POST /api/logout, then forgets the token even if the bridge could not be told. */
  logout(): Promise<void>;
  /** The bridge no longer accepts the token (401, or WebSocket close 4001): back to the login page. */
  expire(reason: string): void;
  /** GET /api/me: refreshes the stored role (an admin may have changed it). */
  me(): Promise<Me>;
}

export const SESSION_ENDED = 'Your session has ended (expired, revoked, or the password changed). Please log in again.';

/**
 * Login state for this browser, one per page. The token lives in localStorage (stored-session.ts)
 * and in a signal; every /api/* request and the WebSocket hello read it from here.
 */
export function makeAuth(opts: { store?: KeyValueStore; fetch?: typeof fetch } = {}): Auth {
  const store = opts.store ?? localStorage;
  const [session, setSession] = createSignal<StoredSession | null>(loadSession(store));
  const [endedReason, setEndedReason] = createSignal('');
  const set = (s: StoredSession | null, reason = ''): void => {
    saveSession(store, s);
    setSession(s);
    setEndedReason(reason);
  };
  const expire = (reason: string): void => {
    if (session()) set(null, reason);
  };
  const api = makeApiClient({
    token: () => session()?.token ?? '',
    onUnauthorized: () => expire(SESSION_ENDED),
    ...(opts.fetch && { fetch: opts.fetch }),
  });
  const adopt = (r: LoginReply): void => {
    const s = { token: r.token, user: r.user, role: r.role, expiresAt: r.expiresAt };
    if (!isStoredSession(s))
      throw new ApiError('bad-response', 'the KVM answered the login with a malformed session', 200);
    set(s);
  };
  return {
    session,
    endedReason,
    api,
    state: () => api.request('GET', '/api/auth/state'),
    login: async (user, password) => adopt(await api.request<LoginReply>('POST', '/api/login', { user, password })),
    loginOnce: async (oneTimeToken) =>
      adopt(await api.request<LoginReply>('POST', '/api/login/once', { oneTimeToken })),
    setup: async (setupToken, user, password) =>
      adopt(await api.request<LoginReply>('POST', '/api/setup', { setupToken, user, password })),
    logout: async () => {
      try {
        if (session()) await api.request('POST', '/api/logout');
      } catch (e) {
        console.warn('logout: the KVM was not told; forgetting the token anyway', e);
      }
      set(null);
    },
    expire,
    me: async () => {
      const me = await api.request<Me>('GET', '/api/me');
      const s = session();
      if (s && (me.role !== s.role || me.user !== s.user)) set({ ...s, user: me.user, role: me.role });
      return me;
    },
  };
}
