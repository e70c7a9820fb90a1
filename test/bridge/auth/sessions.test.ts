import { readFileSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuth, type AuthService } from '../../../bridge/src/auth/index.ts';
import { hashToken, SessionStore } from '../../../bridge/src/auth/sessions.ts';
import { createUsers, makeAuthDir, TEST_AUTH_OPTIONS } from '../../../bridge/src/auth/testing.ts';

const MIN = 60_000;
const cleanup: (() => void)[] = [];
beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  cleanup.splice(0).forEach((f) => f());
});

function store(opts: { idleMs?: number; ttlMs?: number } = {}) {
  const d = makeAuthDir();
  const s = new SessionStore({ path: d.config.usersFile.replace('users', 'sessions'), ...opts });
  cleanup.push(() => s.close(), d.cleanup);
  return s;
}

describe('sessions', () => {
  it('gives a 256-bit base64url token and keeps only its SHA-256, in a 0600 file', () => {
    const s = store();
    const { token, session } = s.create('alice', 1);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(session.hash).toBe(hashToken(token));
    const path = (s as unknown as { opts: { path: string } }).opts.path;
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(token);
    expect(text).toContain(hashToken(token));
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('expires after the idle time without use, and verify() pushes that back', () => {
    const s = store({ idleMs: 30 * MIN, ttlMs: 12 * 60 * MIN });
    const revoked: string[] = [];
    s.onRevoke((id, why) => revoked.push(`${id}:${why}`));
    const { token, session } = s.create('alice', 1);
    vi.advanceTimersByTime(29 * MIN);
    expect(s.verify(token)?.id).toBe(session.id);
    vi.advanceTimersByTime(29 * MIN);
    expect(s.verify(token)?.id).toBe(session.id);
    vi.advanceTimersByTime(30 * MIN + 5000);
    expect(revoked).toEqual([`${session.id}:idle`]); // the sweep got it, without any verify
    expect(s.verify(token)).toBeUndefined();
  });

  it('touch(id) counts as use, like verify(), for a socket that holds only the session id', () => {
    const s = store({ idleMs: 30 * MIN });
    const { token, session } = s.create('alice', 1);
    for (let i = 0; i < 4; i++) {
      vi.advanceTimersByTime(20 * MIN);
      expect(s.touch(session.id)).toBe(true);
    }
    expect(s.verify(token)).toBeDefined();
    vi.advanceTimersByTime(31 * MIN);
    expect(s.touch(session.id)).toBe(false);
  });

  it('expires at the absolute lifetime however much it is used', () => {
    const s = store({ idleMs: 30 * MIN, ttlMs: 12 * 60 * MIN });
    const revoked: string[] = [];
    s.onRevoke((id, why) => revoked.push(why));
    const { token } = s.create('alice', 1);
    for (let t = 0; t < 12 * 60 - 10; t += 10) {
      vi.advanceTimersByTime(10 * MIN);
      expect(s.verify(token)).toBeDefined();
    }
    vi.advanceTimersByTime(10 * MIN);
    expect(s.verify(token)).toBeUndefined();
    expect(revoked).toEqual(['expired']);
  });

  it('revokes one session by id and tells the listeners', () => {
    const s = store();
    const a = s.create('alice', 1);
    const b = s.create('alice', 1);
    const revoked: string[] = [];
    s.onRevoke((id) => revoked.push(id));
    expect(s.revoke(a.session.id, 'logout')).toBe(true);
    expect(s.revoke(a.session.id)).toBe(false);
    expect(revoked).toEqual([a.session.id]);
    expect(s.verify(a.token)).toBeUndefined();
    expect(s.verify(b.token)).toBeDefined();
    expect(s.list().map((x) => x.id)).toEqual([b.session.id]);
  });

  it.each([undefined, 42, '', 'x'.repeat(43), 'a'.repeat(300)])('verify(%j) is undefined, not a throw', (t) => {
    expect(store().verify(t)).toBeUndefined();
  });

  it('survives a restart without lengthening a session', () => {
    const d = makeAuthDir();
    cleanup.push(d.cleanup);
    const path = `${d.dir}/sessions.json`;
    const first = new SessionStore({ path, ttlMs: 60 * MIN, idleMs: 30 * MIN });
    const { token, session } = first.create('alice', 1);
    vi.advanceTimersByTime(10 * MIN);
    first.verify(token);
    first.close();
    const second = new SessionStore({ path, ttlMs: 60 * MIN, idleMs: 30 * MIN });
    cleanup.push(() => second.close());
    expect(second.verify(token)?.id).toBe(session.id);
    expect(second.get(session.id)?.expiresAt).toBe(session.expiresAt);
    vi.advanceTimersByTime(50 * MIN);
    expect(second.verify(token)).toBeUndefined();
  });
});

describe('sessions through Auth', () => {
  let auth: AuthService;
  beforeEach(async () => {
    const d = makeAuthDir();
    cleanup.push(d.cleanup);
    await createUsers(d.config.usersFile, [
      { user: 'alice', password: 'password-a', role: 'admin' },
      { user: 'bob', password: 'password-b', role: 'viewer' },
    ]);
    auth = createAuth(d.config, { ...TEST_AUTH_OPTIONS, log: () => undefined });
    cleanup.push(() => auth.close());
  });

  it('verify() gives the principal with the user’s current role, and onRevoke fires on logout', async () => {
    vi.useRealTimers();
    const r = await auth.login('alice', 'password-a', '127.0.0.1');
    expect(r).toMatchObject({ user: 'alice', role: 'admin', idleTimeoutMs: 30 * MIN });
    const p = auth.verify(r.token);
    expect(p).toMatchObject({ user: 'alice', role: 'admin' });
    const seen: string[] = [];
    const off = auth.onRevoke((id) => seen.push(id));
    auth.sessions.revoke(p!.sessionId, 'logout');
    expect(seen).toEqual([p!.sessionId]);
    expect(auth.verify(r.token)).toBeUndefined();
    off();
  });

  it('ends a user’s sessions when another process changes their password or deletes them', async () => {
    vi.useRealTimers();
    const bob = auth.startSession('bob');
    const alice = auth.startSession('alice');
    const seen: string[] = [];
    auth.onRevoke((id) => seen.push(id));
    // What `webkvm-user passwd bob` does, from its own process: a new epoch in the file.
    await createUsers(auth.users.path, [{ user: 'bob', password: 'new-password', role: 'viewer' }]);
    const file = JSON.parse(readFileSync(auth.users.path, 'utf8')) as { users: { name: string; epoch: number }[] };
    file.users.find((u) => u.name === 'bob')!.epoch = 7;
    const { atomicWrite } = await import('../../../bridge/src/auth/atomic.ts');
    atomicWrite(auth.users.path, JSON.stringify(file));
    await new Promise((r) => setTimeout(r, 1100)); // the store re-reads at most once a second
    expect(auth.verify(bob.token)).toBeUndefined();
    expect(auth.verify(alice.token)).toBeDefined();
    expect(seen).toHaveLength(1);
  });
});
