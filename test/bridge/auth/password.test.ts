import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../bridge/src/auth/errors.ts';
import { checkPassword, Hasher, isPasswordHash, SCRYPT_DEFAULT } from '../../../bridge/src/auth/password.ts';
import { TEST_SCRYPT } from '../../../bridge/src/auth/testing.ts';

describe('password hashing', () => {
  it('defaults to at least OWASP’s scrypt parameters (N=2^17, r=8, p=1)', () => {
    expect(SCRYPT_DEFAULT.N).toBeGreaterThanOrEqual(2 ** 17);
    expect(SCRYPT_DEFAULT.r).toBeGreaterThanOrEqual(8);
    expect(SCRYPT_DEFAULT.p).toBeGreaterThanOrEqual(1);
  });

  it('hashes with the default parameters and verifies, stored with its parameters and a 16-byte salt', async () => {
    const h = new Hasher();
    const stored = await h.hash('correct horse battery');
    expect(stored).toMatchObject({ alg: 'scrypt', N: 2 ** 17, r: 8, p: 1 });
    expect(Buffer.from(stored.salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(stored.hash, 'base64')).toHaveLength(32);
    expect(isPasswordHash(stored)).toBe(true);
    expect(await h.verify('correct horse battery', stored)).toBe(true);
    expect(await h.verify('correct horse batterY', stored)).toBe(false);
  });

  it('gives each hash its own salt', async () => {
    const h = new Hasher(TEST_SCRYPT);
    const [a, b] = await Promise.all([h.hash('same password'), h.hash('same password')]);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
  });

  it('verifies a hash made with other (older, cheaper) parameters and asks for a rehash', async () => {
    const old = await new Hasher(TEST_SCRYPT).hash('passw0rd!');
    const h = new Hasher(SCRYPT_DEFAULT);
    expect(await h.verify('passw0rd!', old)).toBe(true);
    expect(h.needsRehash(old)).toBe(true);
    expect(new Hasher(TEST_SCRYPT).needsRehash(old)).toBe(false);
  });

  it('still runs a hash for an unknown user or an account without a password', async () => {
    const h = new Hasher(TEST_SCRYPT, 1);
    const seen: number[] = [];
    const p = h.verify('whatever1', undefined);
    seen.push(h.load().running);
    expect(await p).toBe(false);
    expect(await h.verify('whatever1', null)).toBe(false);
    expect(seen).toEqual([1]);
  });

  it('hashes off the event loop: a timer fires while a default-cost hash runs', async () => {
    const h = new Hasher();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await h.hash('a long enough password');
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(3);
  });

  it('runs at most `limit` hashes at once and refuses beyond the queue with busy', async () => {
    const h = new Hasher(TEST_SCRYPT, 2, 3);
    let peak = 0;
    const jobs = Array.from({ length: 5 }, () => {
      const j = h.hash('password!');
      peak = Math.max(peak, h.load().running);
      return j;
    });
    expect(h.load()).toEqual({ running: 2, waiting: 3 });
    await expect(h.hash('one too many')).rejects.toMatchObject({ code: 'busy' });
    await Promise.all(jobs);
    expect(peak).toBe(2);
    expect(h.load()).toEqual({ running: 0, waiting: 0 });
  });

  it.each([
    ['1234567', false],
    ['12345678', true],
    ['ünïcödé!', true],
    ['x'.repeat(1024), true],
    ['x'.repeat(1025), false],
    [42, false],
  ])('checkPassword(%j) accepts: %s', (pw, ok) => {
    if (ok) expect(checkPassword(pw)).toBe(pw);
    else expect(() => checkPassword(pw)).toThrow(AuthError);
  });
});
