/**
 * Helpers for tests (and scripts) that need to get past auth. Nothing here is used by the bridge.
 *
 *   const bridge = await startBridge(config, { auth: TEST_AUTH_OPTIONS });
 *   const token = sessionToken(bridge);                          // admin 'local', no HTTP
 *   const viewer = sessionToken(bridge, { user: 'v', role: 'viewer' });
 *   const { token } = await loginOnce(baseUrl(bridge), bridge.oneTimeLogin());   // over HTTP
 *   await createUsers(file, [{ user: 'alice', password: 'correct horse', role: 'operator' }]);
 *   const { token } = await login(baseUrl(bridge), 'alice', 'correct horse');
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bridge } from '../server.ts';
import type { AuthConfig, Role } from './index.ts';
import { Hasher, type ScryptParams } from './password.ts';
import type { AuthOptions, LoginResult } from './service.ts';
import { UserStore } from './users.ts';

/** scrypt at N=2^10: ~1 ms a hash instead of ~0.5 s. Tests only. */
export const TEST_SCRYPT: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };

/** `BridgeOptions.auth` for tests: cheap hashes, two at once. */
export const TEST_AUTH_OPTIONS: AuthOptions = { scrypt: TEST_SCRYPT, hashConcurrency: 2 };

/** A fresh temp dir with an AuthConfig pointing into it; `cleanup()` removes it. */
export function makeAuthDir(extra: Partial<AuthConfig> = {}): { dir: string; config: AuthConfig; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'webkvm-auth-test-'));
  return {
    dir,
    config: { usersFile: join(dir, 'users.json'), ...extra },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Writes users (with passwords hashed at `scrypt`, default TEST_SCRYPT) into `usersFile`,
 * adding to what is there. A running bridge sees them within a second (sooner: it re-reads
 * before every change, and on verify after its 1 s recheck).
 */
export async function createUsers(
  usersFile: string,
  users: { user: string; password?: string | null; role: Role }[],
  scrypt: ScryptParams = TEST_SCRYPT,
): Promise<void> {
  const hasher = new Hasher(scrypt, 4);
  const hashed = await Promise.all(
    users.map(async (u) => ({ ...u, hash: u.password ? await hasher.hash(u.password) : null })),
  );
  new UserStore(usersFile).update((all) => {
    const now = Date.now();
    for (const u of hashed)
      all.set(u.user, { name: u.user, role: u.role, password: u.hash, epoch: 1, createdAt: now, updatedAt: now });
  });
}

/**
 * A session token straight from the bridge (no HTTP): the user (default 'local') is made with
 * `role` (default admin) and no password if missing. For WebSocket tests' hello.
 */
export function sessionToken(bridge: Bridge, opts: { user?: string; role?: Role } = {}): string {
  const user = opts.user ?? 'local';
  if (!bridge.auth.users.get(user)) bridge.oneTimeLogin({ user, ...(opts.role && { role: opts.role }) });
  return bridge.auth.startSession(user).token;
}

/** `http://127.0.0.1:<port>` (or https with TLS). */
export function baseUrl(bridge: Bridge, tls = false): string {
  return `${tls ? 'https' : 'http'}://127.0.0.1:${bridge.port}`;
}

async function post(url: string, body: unknown): Promise<LoginResult> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await r.json()) as LoginResult & { error?: string; message?: string };
  if (!r.ok) throw new Error(`POST ${url}: ${r.status} ${json.error}: ${json.message}`);
  return json;
}

/** POST /api/login/once. @throws Error with the status and error code on refusal */
export function loginOnce(base: string, oneTimeToken: string): Promise<LoginResult> {
  return post(`${base}/api/login/once`, { oneTimeToken });
}

/** POST /api/login. @throws Error with the status and error code on refusal */
export function login(base: string, user: string, password: string): Promise<LoginResult> {
  return post(`${base}/api/login`, { user, password });
}

/** One-time login token for the bridge's local user (alias of bridge.oneTimeLogin, per CONTRACT.md). */
export function mintLoginToken(bridge: Bridge, opts: { user?: string; role?: Role } = {}): string {
  return bridge.oneTimeLogin(opts);
}
