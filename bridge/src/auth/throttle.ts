/**
 * Login throttling: consecutive failures are counted per key ("ip:…" and "user:…"); from the
 * `freeFailures + 1`-th on (the 5th with the defaults), each failure locks the key for
 * baseMs · 2^(failures − freeFailures − 1), capped at maxMs. Attempts while locked are refused
 * without checking the password and without counting. A success clears the key.
 * Guacamole's guacamole-auth-ban does 5 failures → 300 s; a doubling delay punishes a script
 * harder while costing a mistyping human only a second or two.
 */
export interface ThrottleOptions {
  /** Failures allowed before the backoff starts (default 4, so the 5th failure locks). */
  freeFailures?: number;
  /** The first lock, ms (default 1000). */
  baseMs?: number;
  /** The longest lock, ms (default 15 min). */
  maxMs?: number;
  /** A key with no failure for this long is forgotten, ms (default 24 h). */
  forgetMs?: number;
  /** At most this many keys are tracked; the stalest go first (default 10 000). */
  maxKeys?: number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

export class Throttle {
  private readonly entries = new Map<string, Entry>();
  private readonly free: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly forgetMs: number;
  private readonly maxKeys: number;

  constructor(opts: ThrottleOptions = {}) {
    this.free = opts.freeFailures ?? 4;
    this.baseMs = opts.baseMs ?? 1000;
    this.maxMs = opts.maxMs ?? 15 * 60 * 1000;
    this.forgetMs = opts.forgetMs ?? 24 * 60 * 60 * 1000;
    this.maxKeys = opts.maxKeys ?? 10_000;
  }

  /** ms until the first of `keys` unlocks; 0 if none is locked. */
  retryAfter(keys: readonly string[]): number {
    const now = Date.now();
    let wait = 0;
    for (const k of keys) {
      const e = this.entries.get(k);
      if (e) wait = Math.max(wait, e.lockedUntil - now);
    }
    return Math.max(0, wait);
  }

  /** Records a failure on every key; returns the resulting lock, ms (0 while still free). */
  fail(keys: readonly string[]): number {
    const now = Date.now();
    let lock = 0;
    for (const k of keys) {
      let e = this.entries.get(k);
      if (e && now - e.lastFailure > this.forgetMs) e = undefined;
      e ??= { failures: 0, lockedUntil: 0, lastFailure: now };
      e.failures++;
      e.lastFailure = now;
      const over = e.failures - this.free;
      if (over > 0) {
        const ms = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(over - 1, 30));
        e.lockedUntil = now + ms;
        lock = Math.max(lock, ms);
      }
      this.entries.delete(k); // re-insert: Map order is the eviction order
      this.entries.set(k, e);
    }
    this.evict(now);
    return lock;
  }

  succeed(keys: readonly string[]): void {
    for (const k of keys) this.entries.delete(k);
  }

  failures(key: string): number {
    return this.entries.get(key)?.failures ?? 0;
  }

  private evict(now: number): void {
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxKeys && now - e.lastFailure <= this.forgetMs) break;
      this.entries.delete(k);
    }
  }
}

/**
 * The throttle key for a client address: the address itself for IPv4, its /64 for IPv6 (one
 * host usually owns a whole /64, so per-address keys would be free to rotate).
 * Accepts uWS's text form, e.g. "127.0.0.1", "::1", "0000:0000:0000:0000:0000:ffff:7f00:0001".
 */
export function ipKey(address: string): string {
  const a = address.toLowerCase();
  if (!a.includes(':')) return `ip:${a}`;
  const groups = expandIPv6(a);
  if (!groups) return `ip:${a}`;
  // IPv4-mapped (::ffff:a.b.c.d): throttle as the IPv4 address.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi, lo] = [groups[6] ?? 0, groups[7] ?? 0];
    return `ip:${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  if (groups.slice(0, 7).every((g) => g === 0)) return `ip:::${(groups[7] ?? 0).toString(16)}`;
  return `ip:${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

function expandIPv6(a: string): number[] | undefined {
  let s = a;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const [b0, b1, b2, b3] = v4.slice(1).map(Number) as [number, number, number, number];
    s = s.slice(0, v4.index) + `${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail, ...rest] = s.split('::');
  if (rest.length) return undefined;
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  if (fill < 0) return undefined;
  const groups = [...h, ...Array<string>(fill).fill('0'), ...t].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}
