import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../bridge/src/control/rate.ts';
import { LimitsError, resolveLimits, DEFAULT_LIMITS } from '../../../bridge/src/control/limits.ts';

describe('TokenBucket', () => {
  it('allows a burst, then the rate', () => {
    let now = 0;
    const b = new TokenBucket(1000, 2000, () => now);
    let ok = 0;
    for (let i = 0; i < 3000; i++) if (b.take()) ok++;
    expect(ok).toBe(2000);
    now += 100; // 100 ms: 100 tokens
    ok = 0;
    for (let i = 0; i < 300; i++) if (b.take()) ok++;
    expect(ok).toBe(100);
  });

  it('never saves up more than the burst', () => {
    let now = 0;
    const b = new TokenBucket(10, 5, () => now);
    now += 60_000;
    let ok = 0;
    for (let i = 0; i < 100; i++) if (b.take()) ok++;
    expect(ok).toBe(5);
  });
});

describe('resolveLimits', () => {
  it('fills in defaults', () => {
    expect(resolveLimits(undefined)).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({ maxClients: 4 })).toEqual({ ...DEFAULT_LIMITS, maxClients: 4 });
  });

  it.each([[{ maxClients: 0 }], [{ maxClients: 1.5 }], [{ nope: 1 }], [[]], ['x']])('refuses %j', (raw) => {
    expect(() => resolveLimits(raw)).toThrow(LimitsError);
  });
});
