import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AuthError } from './errors.ts';
import { PASSWORD_MAX, PASSWORD_MIN, passwordLength } from '../../../protocol/accounts.ts';

/** scrypt cost parameters (RFC 7914 §2): N = CPU/memory cost, r = block size, p = parallelism. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** A stored password: the parameters travel with the hash, so they can be raised later. */
export interface PasswordHash extends ScryptParams {
  alg: 'scrypt';
  /** 16 random bytes, base64. */
  salt: string;
  /** 32-byte derived key, base64. */
  hash: string;
}

/**
 * OWASP Password Storage Cheat Sheet (2024): scrypt with N=2^17, r=8, p=1 (128 MiB per hash).
 * About 0.5 s per hash on this project's x86 CI machine; more on a Pi.
 */
export const SCRYPT_DEFAULT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;

export { PASSWORD_MAX, PASSWORD_MIN } from '../../../protocol/accounts.ts';

/** Memory scrypt needs (128·N·r·p bytes, RFC 7914 §5 ROMix and the p parallel blocks) plus slack. */
function maxmem(p: ScryptParams): number {
  return 128 * p.N * p.r * (p.p + 1) + 32 * 1024 * 1024;
}

/**
 * Runs scrypt on libuv's thread pool, at most `limit` at a time, so a burst of logins neither
 * stalls the event loop nor asks for 128 MiB per request at once. Beyond `queueMax` waiting
 * jobs, rejects with AuthError 'busy'.
 */
export class Hasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly params: ScryptParams = SCRYPT_DEFAULT,
    private readonly limit = 1,
    private readonly queueMax = 16,
  ) {}

  /** New hash of `password` (a string, NFC-normalised, UTF-8) with a fresh salt. */
  async hash(password: string): Promise<PasswordHash> {
    const salt = randomBytes(SALT_BYTES);
    const key = await this.derive(password, salt, this.params);
    return { alg: 'scrypt', ...this.params, salt: salt.toString('base64'), hash: key.toString('base64') };
  }

  /**
   * True if `password` matches `stored`. A missing `stored` (unknown user, or an account with no
   * password) still costs one hash, so timing does not tell whether a user exists.
   */
  async verify(password: string, stored: PasswordHash | null | undefined): Promise<boolean> {
    if (!stored || stored.alg !== 'scrypt') {
      await this.derive(password, randomBytes(SALT_BYTES), this.params);
      return false;
    }
    const expected = Buffer.from(stored.hash, 'base64');
    const key = await this.derive(password, Buffer.from(stored.salt, 'base64'), stored, expected.length);
    return key.length === expected.length && timingSafeEqual(key, expected);
  }

  /** True when `stored` was made with weaker parameters than this hasher's (rehash on next login). */
  needsRehash(stored: PasswordHash): boolean {
    return stored.N < this.params.N || stored.r < this.params.r || stored.p < this.params.p;
  }

  /** Jobs running and waiting now (for tests and the stats page). */
  load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private async derive(password: string, salt: Buffer, p: ScryptParams, len = KEY_BYTES): Promise<Buffer> {
    await this.acquire();
    try {
      const opts: ScryptOptions = { N: p.N, r: p.r, p: p.p, maxmem: maxmem(p) };
      return await new Promise<Buffer>((resolve, reject) =>
        scrypt(password.normalize('NFC'), salt, len, opts, (err, key) => (err ? reject(err) : resolve(key))),
      );
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.running < this.limit) {
      this.running++;
      return;
    }
    if (this.waiting.length >= this.queueMax) throw new AuthError('busy', 'too many logins at once; retry shortly');
    // release() hands its slot straight to us, so `running` never exceeds `limit`.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

/** Checks a new password's length (NIST SP 800-63B §5.1.1.2: at least 8, long ones allowed). */
export function checkPassword(password: unknown): string {
  if (typeof password !== 'string') throw new AuthError('bad-request', 'password must be a string');
  const n = passwordLength(password);
  if (n < PASSWORD_MIN) throw new AuthError('bad-request', `password must have at least ${PASSWORD_MIN} characters`);
  if (n > PASSWORD_MAX) throw new AuthError('bad-request', `password must have at most ${PASSWORD_MAX} characters`);
  return password;
}

/** Guards a PasswordHash read from disk. */
export function isPasswordHash(v: unknown): v is PasswordHash {
  if (typeof v !== 'object' || v === null) return false;
  const h = v as Record<string, unknown>;
  return (
    h.alg === 'scrypt' &&
    typeof h.salt === 'string' &&
    typeof h.hash === 'string' &&
    [h.N, h.r, h.p].every((x) => typeof x === 'number' && Number.isInteger(x) && x > 0)
  );
}
