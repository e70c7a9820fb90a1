import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ipKey, Throttle } from '../../../bridge/src/auth/throttle.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('login throttle', () => {
  it('lets 4 failures through and locks from the 5th, doubling each time up to the cap', () => {
    const t = new Throttle({ maxMs: 8000 });
    const k = ['ip:1.2.3.4'];
    for (let i = 1; i <= 4; i++) expect(t.fail(k)).toBe(0);
    expect(t.retryAfter(k)).toBe(0);
    expect(t.fail(k)).toBe(1000);
    expect(t.retryAfter(k)).toBe(1000);
    vi.advanceTimersByTime(600);
    expect(t.retryAfter(k)).toBe(400);
    vi.advanceTimersByTime(400);
    expect(t.retryAfter(k)).toBe(0);
    expect(t.fail(k)).toBe(2000);
    vi.advanceTimersByTime(2000);
    expect(t.fail(k)).toBe(4000);
    vi.advanceTimersByTime(4000);
    expect(t.fail(k)).toBe(8000);
    vi.advanceTimersByTime(8000);
    expect(t.fail(k)).toBe(8000);
  });

  it('keeps addresses and users apart, and locks when any key is locked', () => {
    const t = new Throttle();
    for (let i = 0; i < 5; i++) t.fail(['ip:1.1.1.1', 'user:alice']);
    expect(t.retryAfter(['ip:2.2.2.2', 'user:bob'])).toBe(0);
    expect(t.retryAfter(['ip:2.2.2.2', 'user:alice'])).toBe(1000);
    expect(t.retryAfter(['ip:1.1.1.1', 'user:bob'])).toBe(1000);
  });

  it('forgets a key on success', () => {
    const t = new Throttle();
    for (let i = 0; i < 4; i++) t.fail(['user:a']);
    t.succeed(['user:a']);
    expect(t.failures('user:a')).toBe(0);
    expect(t.fail(['user:a'])).toBe(0);
  });

  it('forgets failures older than forgetMs and keeps at most maxKeys keys', () => {
    const t = new Throttle({ forgetMs: 10_000, maxKeys: 2 });
    for (let i = 0; i < 4; i++) t.fail(['user:a']);
    vi.advanceTimersByTime(10_001);
    expect(t.fail(['user:a'])).toBe(0);
    t.fail(['user:b']);
    t.fail(['user:c']);
    expect(t.failures('user:a')).toBe(0);
    expect(t.failures('user:c')).toBe(1);
  });
});

describe('ipKey', () => {
  it.each([
    ['127.0.0.1', 'ip:127.0.0.1'],
    ['::1', 'ip:::1'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', 'ip:::1'],
    ['0000:0000:0000:0000:0000:ffff:7f00:0001', 'ip:127.0.0.1'],
    ['::ffff:192.168.1.9', 'ip:192.168.1.9'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', 'ip:2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:0000:0000:0000:0009', 'ip:2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', 'ip:2001:db8:1:2::/64'],
  ])('%s → %s', (addr, key) => {
    expect(ipKey(addr)).toBe(key);
  });
});
