import { join, dirname } from 'node:path';
import { Counters, makeRateLimitedLog } from '../counters.ts';
import { AuthError, errorMessage } from './errors.ts';
import type { Auth, AuthConfig, Principal, Role, UpgradeCheck } from './index.ts';
import { OneTimeTokens, SetupToken } from './onetime.ts';
import { HostPolicy } from './origin.ts';
import { checkPassword, Hasher, SCRYPT_DEFAULT, type ScryptParams } from './password.ts';
import { SessionStore, type SessionRecord } from './sessions.ts';
import { ipKey, Throttle, type ThrottleOptions } from './throttle.ts';
import { checkUserName, parseUserName, UserStore, type UserRecord } from './users.ts';

export interface AuthOptions {
  log?: (line: string) => void;
  counters?: Counters;
  /** scrypt cost for new hashes (default SCRYPT_DEFAULT; tests use a cheap one). */
  scrypt?: ScryptParams;
  /** scrypt jobs at once (default 1: 128 MiB each with the default cost). */
  hashConcurrency?: number;
  throttle?: ThrottleOptions;
  /** Test hooks for the Host check. */
  hostname?: () => string;
  interfaces?: () => string[];
}

/** What POST /api/login, /api/setup and /api/login/once answer. */
export interface LoginResult {
  token: string;
  user: string;
  role: Role;
  /** Absolute end of the session, ms since the Unix epoch. */
  expiresAt: number;
  /** The session dies after this long without use, ms. */
  idleTimeoutMs: number;
}

/** The bridge's side of Auth: what routes.ts, the CLI and tests use on top of the WebSocket interface. */
export interface AuthService extends Auth {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly hosts: HostPolicy;
  readonly hasher: Hasher;
  readonly counters: Counters;
  /** Tells the Host/Origin checks which port (and scheme) the bridge listens on. */
  bind(port: number, tls: boolean): void;
  /**
   * Password login from client address `ip` (uWS text form).
   * @throws AuthError 'bad-credentials' (with retryAfterMs once the backoff starts), 'throttled'
   *   (retryAfterMs), 'busy' (too many hashes queued), 'store'
   */
  login(user: unknown, password: unknown, ip: string): Promise<LoginResult>;
  /** @throws AuthError 'bad-credentials' for an unknown, used or expired one-time token, 'throttled' */
  loginOnce(oneTimeToken: unknown, ip: string): LoginResult;
  /**
   * First admin, with the installer's setup token.
   * @throws AuthError 'setup-token', 'bad-request' (user name or password), 'throttled', 'store'
   */
  setup(setupToken: unknown, user: unknown, password: unknown, ip: string): Promise<LoginResult>;
  /**
   * A one-time login token for `user` (default 'local'), making the user first if missing: with
   * `role` (default admin) and no password. npm start prints it as `/#login=<token>`.
   */
  oneTimeLogin(opts?: { user?: string; role?: Role }): string;
  /** A session for an existing user, without a password (tests, oneTimeLogin's second half). */
  startSession(user: string): LoginResult;
  principalOf(s: SessionRecord): Principal | undefined;
  /**
   * Counts activity on an open WebSocket as use: pushes the session's idle expiry back, like
   * verify() but by id (the socket keeps the id, not the token). False if the session is gone.
   */
  touch(sessionId: string): boolean;
  close(): void;
}

function result(s: SessionRecord, token: string, u: UserRecord, idleMs: number): LoginResult {
  return { token, user: u.name, role: u.role, expiresAt: s.expiresAt, idleTimeoutMs: idleMs };
}

/**
 * Accounts (users.ts), sessions (sessions.ts), login throttling (throttle.ts), one-time tokens
 * (onetime.ts) and the Host/Origin policy (origin.ts), behind the `Auth` interface.
 * Files: config.usersFile, and next to it sessions.json and setup-token.json unless configured.
 * @throws AuthError 'store' if the users file exists but cannot be read or parsed
 */
export function createAuth(config: AuthConfig, opts: AuthOptions = {}): AuthService {
  const log = opts.log ?? ((line: string) => console.log(`[auth] ${line}`));
  const limited = makeRateLimitedLog(log);
  const counters = opts.counters ?? new Counters();
  const dir = dirname(config.usersFile);
  const users = new UserStore(config.usersFile);
  const sessions = new SessionStore({
    path: config.sessionsFile ?? join(dir, 'sessions.json'),
    ...(config.sessionTtlMs !== undefined && { ttlMs: config.sessionTtlMs }),
    ...(config.idleTtlMs !== undefined && { idleMs: config.idleTtlMs }),
    log: (line) => limited('sessions', `sessions: ${line}`),
  });
  const hosts = new HostPolicy({
    ...(config.allowedHosts && { allowedHosts: config.allowedHosts }),
    ...(config.allowedOrigins && { allowedOrigins: config.allowedOrigins }),
    ...(opts.hostname && { hostname: opts.hostname }),
    ...(opts.interfaces && { interfaces: opts.interfaces }),
  });
  const hasher = new Hasher(opts.scrypt ?? SCRYPT_DEFAULT, opts.hashConcurrency ?? 1);
  const throttle = new Throttle(opts.throttle);
  const onceTokens = new OneTimeTokens();
  const setupToken = new SetupToken(config.setupTokenFile ?? join(dir, 'setup-token.json'));
  const listeners = new Set<(sessionId: string) => void>();

  sessions.onRevoke((id, reason) => {
    counters.inc(`auth.revoked.${reason}`);
    for (const cb of listeners) {
      try {
        cb(id);
      } catch (e) {
        counters.inc('auth.revoke_listener_error');
        limited('revoke-listener', `an onRevoke listener threw: ${errorMessage(e)}`);
      }
    }
  });

  /** A session is alive only while its user exists with the epoch it was made under. */
  const userOf = (s: SessionRecord): UserRecord | undefined => {
    const u = users.get(s.user);
    return u && u.epoch === s.epoch ? u : undefined;
  };
  // A change by the CLI (user deleted, password or role changed) ends that user's sessions.
  users.onChange(() => sessions.revokeWhere((s) => !userOf(s), 'user-changed'));

  const safeUserName = (u: unknown): string => JSON.stringify(String(u).slice(0, 40));

  const throttled = (keys: string[], what: string): void => {
    const wait = throttle.retryAfter(keys);
    if (wait <= 0) return;
    counters.inc(`auth.${what}_throttled`);
    throw new AuthError('throttled', `too many failed attempts; retry in ${Math.ceil(wait / 1000)} s`, {
      retryAfterMs: wait,
    });
  };

  const startSession = (name: string): LoginResult => {
    const u = users.get(name);
    if (!u) throw new AuthError('not-found', `no user ${safeUserName(name)}`);
    const { token, session } = sessions.create(u.name, u.epoch);
    return result(session, token, u, sessions.idleMs);
  };

  const principalOf = (s: SessionRecord): Principal | undefined => {
    const u = userOf(s);
    return u && { sessionId: s.id, user: u.name, role: u.role };
  };

  return {
    users,
    sessions,
    hosts,
    hasher,
    counters,

    verify: (token) => {
      try {
        const s = sessions.verify(token);
        if (!s) return undefined;
        const p = principalOf(s);
        if (!p) sessions.revoke(s.id, 'user-changed');
        return p;
      } catch (e) {
        // The users file went bad under us: nobody gets in until it is fixed.
        counters.inc('auth.store_error');
        limited('verify', `verify failed: ${errorMessage(e)}`);
        return undefined;
      }
    },

    onRevoke: (cb) => {
      listeners.add(cb);
      return () => void listeners.delete(cb);
    },

    checkUpgrade: (h): UpgradeCheck => {
      const r = hosts.checkUpgrade(h);
      if (!r.ok) {
        counters.inc('auth.upgrade_refused');
        limited('upgrade', `WebSocket refused: ${r.reason}`);
      }
      return r;
    },

    setupRequired: () => {
      try {
        return !users.hasAdmin();
      } catch (e) {
        counters.inc('auth.store_error');
        limited('store', errorMessage(e));
        return true;
      }
    },

    bind: (port, tls) => hosts.bind(port, tls),

    login: async (userIn, password, ip) => {
      // An impossible name is simply a wrong one; it still counts against the address.
      const name = parseUserName(userIn);
      const keys = name === undefined ? [ipKey(ip)] : [ipKey(ip), `user:${name}`];
      throttled(keys, 'login');
      const u = name === undefined ? undefined : users.get(name);
      const ok =
        typeof password === 'string' && password.length <= 4096 && (await hasher.verify(password, u?.password));
      if (!ok || !u) {
        const lock = throttle.fail(keys);
        counters.inc('auth.login_failed');
        limited(
          'login-failed',
          `login failed for ${safeUserName(userIn)} from ${ip}${lock ? ` (locked ${lock} ms)` : ''}`,
        );
        throw new AuthError('bad-credentials', 'wrong user name or password', lock ? { retryAfterMs: lock } : {});
      }
      throttle.succeed(keys);
      counters.inc('auth.login_ok');
      if (u.password && hasher.needsRehash(u.password)) {
        const stronger = await hasher.hash(password as string);
        users.update((all) => {
          const cur = all.get(u.name);
          if (cur) cur.password = stronger; // same password: the epoch (and sessions) stand
        });
      }
      return startSession(u.name);
    },

    loginOnce: (oneTimeToken, ip) => {
      const keys = [ipKey(ip)];
      throttled(keys, 'once');
      const name = onceTokens.take(oneTimeToken);
      if (name === undefined || !users.get(name)) {
        throttle.fail(keys);
        counters.inc('auth.once_failed');
        limited('once-failed', `one-time login refused from ${ip}`);
        throw new AuthError('bad-credentials', 'this login link is unknown, used or expired');
      }
      counters.inc('auth.once_ok');
      return startSession(name);
    },

    setup: async (token, userIn, password, ip) => {
      const keys = [ipKey(ip)];
      throttled(keys, 'setup');
      if (users.hasAdmin()) throw new AuthError('setup-token', 'setup is done already: log in');
      try {
        setupToken.claim(token);
      } catch (e) {
        throttle.fail(keys);
        counters.inc('auth.setup_failed');
        limited('setup-failed', `setup refused from ${ip}: ${errorMessage(e)}`);
        throw e;
      }
      try {
        const name = checkUserName(userIn);
        const hash = await hasher.hash(checkPassword(password));
        users.update((all) => {
          const now = Date.now();
          const old = all.get(name);
          all.set(name, {
            name,
            role: 'admin',
            password: hash,
            epoch: (old?.epoch ?? 0) + 1,
            createdAt: now,
            updatedAt: now,
          });
        });
      } catch (e) {
        setupToken.release();
        throw e;
      }
      setupToken.consume();
      counters.inc('auth.setup_ok');
      log(`setup: first admin ${safeUserName(userIn)} created from ${ip}`);
      return startSession(checkUserName(userIn));
    },

    oneTimeLogin: (o = {}) => {
      const name = checkUserName(o.user ?? 'local');
      if (!users.get(name))
        users.update((all) => {
          const now = Date.now();
          all.set(name, { name, role: o.role ?? 'admin', password: null, epoch: 1, createdAt: now, updatedAt: now });
        });
      return onceTokens.mint(name);
    },

    startSession,
    principalOf,
    touch: (id) => sessions.touch(id),

    close: () => {
      sessions.close();
      listeners.clear();
    },
  };
}
