import { createHash, randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { dirname } from 'node:path';
import { atomicWrite, type AtomicFs } from './atomic.ts';
import { errorMessage } from './errors.ts';

/** 12 h: a working day, then log in again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** 30 min without a verify() (an open PWA verifies on every ping, every 2 s). */
export const IDLE_TTL_MS = 30 * 60 * 1000;
/** How often expired sessions are looked for, ms. */
const SWEEP_MS = 5000;
/** lastUsedAt is written to disk at most this often, ms (creation and revocation: at once). */
const FLUSH_MS = 60_000;

export interface SessionRecord {
  /** Public handle (listing, DELETE /api/sessions/:id): 16 random bytes, base64url. */
  id: string;
  /** SHA-256 of the token, hex. The token itself is never stored. */
  hash: string;
  user: string;
  /** The user's epoch when the session was made (see UserRecord.epoch). */
  epoch: number;
  /** ms since the Unix epoch. */
  createdAt: number;
  lastUsedAt: number;
  /** Absolute end, ms since the Unix epoch. */
  expiresAt: number;
}

export type RevokeReason = 'logout' | 'revoked' | 'expired' | 'idle' | 'user-changed';

/** 256 random bits as base64url: 43 characters. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface SessionStoreOptions {
  /** Where sessions persist (hashes only); undefined: memory only. */
  path?: string;
  ttlMs?: number;
  idleMs?: number;
  fs?: AtomicFs & Pick<typeof nodeFs, 'readFileSync' | 'mkdirSync'>;
  log?: (line: string) => void;
}

/**
 * Bearer sessions: a random token given once to the client, kept here only as its SHA-256,
 * with an absolute expiry (ttlMs after creation) and an idle expiry (idleMs after the last
 * verify). Persisted to `path` so a bridge restart keeps everyone logged in. Revocation and
 * expiry call the onRevoke listeners with the session id.
 */
export class SessionStore {
  readonly ttlMs: number;
  readonly idleMs: number;
  private readonly byHash = new Map<string, SessionRecord>();
  private readonly byId = new Map<string, SessionRecord>();
  private readonly listeners = new Set<(id: string, reason: RevokeReason) => void>();
  private readonly fs: NonNullable<SessionStoreOptions['fs']>;
  private readonly log: (line: string) => void;
  private dirty = false;
  private readonly sweepTimer: ReturnType<typeof setInterval>;
  private readonly flushTimer: ReturnType<typeof setInterval>;

  constructor(private readonly opts: SessionStoreOptions = {}) {
    this.ttlMs = opts.ttlMs ?? SESSION_TTL_MS;
    this.idleMs = opts.idleMs ?? IDLE_TTL_MS;
    this.fs = opts.fs ?? nodeFs;
    this.log = opts.log ?? (() => undefined);
    this.load();
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweepTimer.unref();
    this.flushTimer = setInterval(() => this.dirty && this.save(), FLUSH_MS);
    this.flushTimer.unref();
  }

  onRevoke(cb: (id: string, reason: RevokeReason) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Makes a session; returns the token (shown once) and the record. */
  create(user: string, epoch: number): { token: string; session: SessionRecord } {
    const token = newToken();
    const now = Date.now();
    const session: SessionRecord = {
      id: randomBytes(16).toString('base64url'),
      hash: hashToken(token),
      user,
      epoch,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: now + this.ttlMs,
    };
    this.add(session);
    this.save();
    return { token, session };
  }

  /**
   * The live session for `token`, its idle expiry pushed back; undefined for an unknown, expired
   * or malformed token (an expired one is revoked on the way). Never throws.
   */
  verify(token: unknown): SessionRecord | undefined {
    if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return undefined;
    const s = this.byHash.get(hashToken(token));
    if (!s) return undefined;
    const now = Date.now();
    const dead = this.deadReason(s, now);
    if (dead) {
      this.revoke(s.id, dead);
      return undefined;
    }
    s.lastUsedAt = now;
    this.dirty = true;
    return s;
  }

  /** verify() by id: pushes back the idle expiry of a live session; false if it is gone or dead. */
  touch(id: string): boolean {
    const s = this.byId.get(id);
    if (!s) return false;
    const now = Date.now();
    const dead = this.deadReason(s, now);
    if (dead) {
      this.revoke(s.id, dead);
      return false;
    }
    s.lastUsedAt = now;
    this.dirty = true;
    return true;
  }

  get(id: string): SessionRecord | undefined {
    return this.byId.get(id);
  }

  /** Live sessions, oldest first. */
  list(): SessionRecord[] {
    this.sweep();
    return [...this.byId.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  /** The moment the session dies unless used again: min(absolute, idle), ms since the epoch. */
  endsAt(s: SessionRecord): number {
    return Math.min(s.expiresAt, s.lastUsedAt + this.idleMs);
  }

  /** Ends one session; false if there was none with that id. */
  revoke(id: string, reason: RevokeReason = 'revoked'): boolean {
    const s = this.byId.get(id);
    if (!s) return false;
    this.byId.delete(id);
    this.byHash.delete(s.hash);
    this.save();
    for (const cb of this.listeners) cb(id, reason);
    return true;
  }

  /** Ends every session for which `dead` returns true; returns how many. */
  revokeWhere(dead: (s: SessionRecord) => boolean, reason: RevokeReason): number {
    let n = 0;
    for (const s of [...this.byId.values()]) if (dead(s) && this.revoke(s.id, reason)) n++;
    return n;
  }

  /** Revokes the sessions past their idle or absolute expiry. */
  sweep(): void {
    const now = Date.now();
    for (const s of [...this.byId.values()]) {
      const dead = this.deadReason(s, now);
      if (dead) this.revoke(s.id, dead);
    }
  }

  /** Stops the timers and writes pending lastUsedAt changes. */
  close(): void {
    clearInterval(this.sweepTimer);
    clearInterval(this.flushTimer);
    if (this.dirty) this.save();
    this.listeners.clear();
  }

  private deadReason(s: SessionRecord, now: number): RevokeReason | undefined {
    if (now >= s.expiresAt) return 'expired';
    if (now >= s.lastUsedAt + this.idleMs) return 'idle';
    return undefined;
  }

  private add(s: SessionRecord): void {
    this.byHash.set(s.hash, s);
    this.byId.set(s.id, s);
  }

  private load(): void {
    const path = this.opts.path;
    if (!path) return;
    let text: string;
    try {
      text = this.fs.readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        this.log(`cannot read ${path} (${errorMessage(e)}): starting with no sessions`);
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      this.log(`${path} is not valid JSON (${errorMessage(e)}): starting with no sessions`);
      return;
    }
    const list = (raw as { sessions?: unknown } | null)?.sessions;
    if (!Array.isArray(list)) return;
    const now = Date.now();
    for (const v of list as Partial<SessionRecord>[]) {
      if (
        typeof v?.id === 'string' &&
        typeof v.hash === 'string' &&
        /^[0-9a-f]{64}$/.test(v.hash) &&
        typeof v.user === 'string' &&
        typeof v.epoch === 'number' &&
        typeof v.createdAt === 'number' &&
        typeof v.lastUsedAt === 'number' &&
        typeof v.expiresAt === 'number'
      ) {
        // A restart never lengthens a session: the stored bounds stand.
        const s = v as SessionRecord;
        if (!this.deadReason(s, now)) this.add({ ...s, expiresAt: Math.min(s.expiresAt, s.createdAt + this.ttlMs) });
      }
    }
  }

  private save(): void {
    this.dirty = false;
    const path = this.opts.path;
    if (!path) return;
    try {
      this.fs.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      atomicWrite(path, JSON.stringify({ version: 1, sessions: [...this.byId.values()] }) + '\n', 0o600, this.fs);
    } catch (e) {
      // Sessions still work from memory; only a restart would log people out.
      this.log(`cannot write ${path}: ${errorMessage(e)}`);
    }
  }
}
