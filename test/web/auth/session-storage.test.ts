import { describe, expect, it } from 'vitest';
import { parseLinkToken, takeLinkToken } from '../../../web/src/lib/auth/fragment.ts';
import { passwordProblems, userNameProblems } from '../../../web/src/lib/auth/password-rules.ts';
import { loadSession, saveSession, SESSION_KEY, type KeyValueStore } from '../../../web/src/lib/auth/stored-session.ts';

const memory = (): KeyValueStore & { data: Map<string, string> } => {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
};

describe('stored session (localStorage webkvm.session)', () => {
  const s = { token: 'abc_-123', user: 'alice', role: 'operator' as const, expiresAt: 2_000 };

  it('round-trips { token, user, role, expiresAt } as JSON under webkvm.session', () => {
    const store = memory();
    saveSession(store, s);
    expect(JSON.parse(store.data.get(SESSION_KEY)!)).toEqual(s);
    expect(loadSession(store, 1_000)).toEqual(s);
    saveSession(store, null);
    expect(store.data.has(SESSION_KEY)).toBe(false);
  });

  it.each([
    ['expired', JSON.stringify(s), 2_000],
    ['not JSON', '{oops', 0],
    ['an unknown role', JSON.stringify({ ...s, role: 'root' }), 0],
    ['no token', JSON.stringify({ ...s, token: '' }), 0],
    ['a token over 256 chars', JSON.stringify({ ...s, token: 'x'.repeat(257) }), 0],
  ])('drops a stored session that is %s', (_what, raw, now) => {
    const store = memory();
    store.setItem(SESSION_KEY, raw);
    expect(loadSession(store, now)).toBeNull();
    expect(store.data.has(SESSION_KEY)).toBe(false);
  });
});

describe('link tokens in the fragment', () => {
  it.each([
    ['#setup=AbC_-9', { kind: 'setup', token: 'AbC_-9' }],
    ['#login=xyz', { kind: 'login', token: 'xyz' }],
    ['#login=', null],
    ['#other=1', null],
    ['#login=a b', null],
    ['', null],
  ])('%j → %j', (hash, want) => {
    expect(parseLinkToken(hash)).toEqual(want);
  });

  it('strips the fragment with replaceState, keeping path and query', () => {
    const calls: unknown[][] = [];
    const loc = { hash: '#login=tok', pathname: '/kvm/', search: '?x=1' } as Location;
    const hist = { state: null, replaceState: (...a: unknown[]) => calls.push(a) } as unknown as History;
    expect(takeLinkToken(loc, hist)).toEqual({ kind: 'login', token: 'tok' });
    expect(calls).toEqual([[null, '', '/kvm/?x=1']]);
  });

  it('leaves other fragments alone', () => {
    const calls: unknown[][] = [];
    const hist = { state: null, replaceState: (...a: unknown[]) => calls.push(a) } as unknown as History;
    expect(takeLinkToken({ hash: '#x', pathname: '/', search: '' } as Location, hist)).toBeNull();
    expect(calls).toEqual([]);
  });
});

describe('password and user name rules', () => {
  it.each([
    ['correct horse', 'correct horse', 'admin', []],
    ['short', 'short', 'admin', ['Password: at least 10 characters (5 so far).']],
    ['longenough1', 'longenough2', 'admin', ['The two passwords differ.']],
    ['administrator', 'administrator', 'administrator', ['Password: must not be the user name.']],
  ])('password %j confirmed %j for %j → %j', (pw, confirm, user, want) => {
    expect(passwordProblems(pw, confirm, user)).toEqual(want);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(passwordProblems('🔑'.repeat(10), '🔑'.repeat(10), 'a')).toEqual([]);
  });

  it.each([
    ['admin', 0],
    ['a.b_c-1', 0],
    ['Admin', 1],
    ['-admin', 1],
    ['', 1],
    ['x'.repeat(33), 1],
  ])('user name %j has %i problem(s)', (user, n) => {
    expect(userNameProblems(user)).toHaveLength(n);
  });
});
