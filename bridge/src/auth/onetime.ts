import { timingSafeEqual } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { dirname } from 'node:path';
import { atomicWrite } from './atomic.ts';
import { AuthError, errorMessage } from './errors.ts';
import { hashToken, newToken, TOKEN_PATTERN } from './sessions.ts';

/** One-time tokens (setup link, npm start's login link) live this long: 1 h. */
export const ONE_TIME_TTL_MS = 60 * 60 * 1000;

/**
 * One-time login tokens, in memory: `mint(user)` gives a token that `take()` accepts once,
 * within ONE_TIME_TTL_MS. For npm start's `#login=` link and for tests.
 */
export class OneTimeTokens {
  private readonly tokens = new Map<string, { user: string; expiresAt: number }>();

  mint(user: string, ttlMs = ONE_TIME_TTL_MS): string {
    const token = newToken();
    this.tokens.set(hashToken(token), { user, expiresAt: Date.now() + ttlMs });
    return token;
  }

  /** The user the token was minted for, consuming it; undefined if unknown, used or expired. */
  take(token: unknown): string | undefined {
    if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return undefined;
    const now = Date.now();
    for (const [h, t] of this.tokens) if (t.expiresAt <= now) this.tokens.delete(h);
    const h = hashToken(token);
    const t = this.tokens.get(h);
    this.tokens.delete(h);
    return t?.user;
  }
}

interface SetupTokenFile {
  version: 1;
  /** SHA-256 of the token, hex. */
  hash: string;
  /** ms since the Unix epoch. */
  expiresAt: number;
}

/**
 * Writes a fresh setup token to `path` (mode 0600, atomically) and returns it. The token itself is
 * shown once (the installer prints it as a link) and only its hash is stored. Replaces any
 * earlier one.
 * @throws AuthError 'store' if the file cannot be written
 */
export function writeSetupToken(path: string, ttlMs = ONE_TIME_TTL_MS): { token: string; expiresAt: number } {
  const token = newToken();
  const expiresAt = Date.now() + ttlMs;
  const body: SetupTokenFile = { version: 1, hash: hashToken(token), expiresAt };
  try {
    nodeFs.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    atomicWrite(path, JSON.stringify(body) + '\n', 0o600);
  } catch (e) {
    throw new AuthError('store', `cannot write ${path}: ${errorMessage(e)}`);
  }
  return { token, expiresAt };
}

/**
 * The installer's setup token, read from `path` on each use (the installer or `webkvm-user
 * setup-link` writes it while the bridge runs). Single use: claim() reserves it synchronously,
 * so two concurrent requests cannot both pass, and consume() deletes the file.
 */
export class SetupToken {
  private claimed = false;

  constructor(readonly path: string) {}

  /**
   * Reserves the token if `token` matches the file and has not expired.
   * @throws AuthError 'setup-token' for a missing, wrong, expired or already-claimed token
   */
  claim(token: unknown): void {
    const refuse = (why: string): never => {
      throw new AuthError('setup-token', why);
    };
    if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) refuse('the setup link is malformed');
    if (this.claimed) refuse('this setup link is being used right now');
    let file: Partial<SetupTokenFile>;
    try {
      file = JSON.parse(nodeFs.readFileSync(this.path, 'utf8')) as Partial<SetupTokenFile>;
    } catch (e) {
      return refuse(
        (e as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'no setup link is active: run "sudo webkvm-user setup-link" on the device for a new one'
          : `cannot read the setup token: ${errorMessage(e)}`,
      );
    }
    if (typeof file.hash !== 'string' || !/^[0-9a-f]{64}$/.test(file.hash) || typeof file.expiresAt !== 'number')
      refuse('the setup token file is malformed');
    const ok = timingSafeEqual(Buffer.from(hashToken(token as string), 'hex'), Buffer.from(file.hash as string, 'hex'));
    if (!ok) refuse('this setup link is not the current one');
    if (Date.now() >= (file.expiresAt as number))
      refuse('this setup link has expired (1 h): run "sudo webkvm-user setup-link" for a new one');
    this.claimed = true;
  }

  /** Undoes claim() after a failure that did not use the token up (a bad password, say). */
  release(): void {
    this.claimed = false;
  }

  /** Deletes the token file: the link has been used. */
  consume(): void {
    this.claimed = false;
    nodeFs.rmSync(this.path, { force: true });
  }

  /** True if a token file is present (expired or not). */
  present(): boolean {
    return nodeFs.existsSync(this.path);
  }
}
