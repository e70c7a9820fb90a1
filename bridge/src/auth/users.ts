import * as nodeFs from 'node:fs';
import { dirname } from 'node:path';
import { atomicWrite, type AtomicFs } from './atomic.ts';
import { AuthError, errorMessage } from './errors.ts';
import { ROLES, type Role } from './index.ts';
import { isPasswordHash, type PasswordHash } from './password.ts';
import { USER_NAME, USER_RULE } from '../../../protocol/accounts.ts';

export interface UserRecord {
  name: string;
  role: Role;
  /** null: no password login (npm start's local user, who comes in by one-time link). */
  password: PasswordHash | null;
  /**
   * Bumped on every password or role change: a session minted under an older epoch is dead,
   * whichever process (bridge or CLI) made the change.
   */
  epoch: number;
  createdAt: number;
  updatedAt: number;
}

interface UsersFile {
  version: 1;
  users: UserRecord[];
}

export { USER_NAME } from '../../../protocol/accounts.ts';

/**
 * Validates a user name from a request or the command line. Case-insensitive: stored lower-case.
 * @throws AuthError 'bad-request'
 */
export function checkUserName(name: unknown): string {
  if (typeof name !== 'string') throw new AuthError('bad-request', 'user must be a string');
  const n = name.trim().toLowerCase();
  if (!USER_NAME.test(n)) throw new AuthError('bad-request', `user must be ${USER_RULE}`);
  return n;
}

/** checkUserName without the throw: undefined for an impossible name. */
export function parseUserName(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const n = name.trim().toLowerCase();
  return USER_NAME.test(n) ? n : undefined;
}

export function checkRole(role: unknown): Role {
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role))
    throw new AuthError('bad-request', `role must be one of ${ROLES.join(', ')}`);
  return role as Role;
}

function parseUsers(text: string, path: string): UserRecord[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AuthError('store', `${path} is not valid JSON: ${errorMessage(e)}`);
  }
  const users = (raw as Partial<UsersFile> | null)?.users;
  if (!Array.isArray(users)) throw new AuthError('store', `${path}: expected { "version": 1, "users": [...] }`);
  return users.map((u: unknown, i) => {
    const r = u as Partial<UserRecord> | null;
    if (
      !r ||
      typeof r.name !== 'string' ||
      !USER_NAME.test(r.name) ||
      !(ROLES as readonly string[]).includes(r.role as string) ||
      !(r.password === null || isPasswordHash(r.password))
    )
      throw new AuthError('store', `${path}: users[${i}] is malformed`);
    return {
      name: r.name,
      role: r.role as Role,
      password: r.password,
      epoch: typeof r.epoch === 'number' ? r.epoch : 0,
      createdAt: typeof r.createdAt === 'number' ? r.createdAt : 0,
      updatedAt: typeof r.updatedAt === 'number' ? r.updatedAt : 0,
    };
  });
}

/**
 * The accounts, in one JSON file (mode 0600) that the bridge and the `webkvm-user` CLI both edit.
 * Every write is atomic (atomic.ts). Each access re-reads the file if it changed on disk
 * (mtime, size or inode), at most once per `recheckMs`, so a change made by the CLI reaches a
 * running bridge within that time; mutations always re-read first, so they apply to the
 * current file and not to a stale copy.
 */
export class UserStore {
  private users = new Map<string, UserRecord>();
  private stamp = '';
  private checkedAt = -Infinity;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly path: string,
    private readonly fs: AtomicFs & Pick<typeof nodeFs, 'readFileSync' | 'mkdirSync'> = nodeFs,
    private readonly recheckMs = 1000,
  ) {
    this.reload(true);
  }

  /** Called after the users changed: written by this store, or on disk by another process. */
  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  get(name: string): UserRecord | undefined {
    this.reload();
    return this.users.get(name);
  }

  list(): UserRecord[] {
    this.reload();
    return [...this.users.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  hasAdmin(): boolean {
    this.reload();
    for (const u of this.users.values()) if (u.role === 'admin') return true;
    return false;
  }

  /**
   * Applies `change` to a fresh copy of the users and writes the result atomically.
   * @throws AuthError from `change`, or 'store' if the file cannot be written
   */
  update<T>(change: (users: Map<string, UserRecord>) => T): T {
    this.reload(true);
    const next = new Map([...this.users].map(([k, v]) => [k, { ...v }]));
    const result = change(next);
    const body: UsersFile = { version: 1, users: [...next.values()].sort((a, b) => a.name.localeCompare(b.name)) };
    try {
      this.fs.mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      atomicWrite(this.path, JSON.stringify(body, null, 2) + '\n', 0o600, this.fs);
    } catch (e) {
      throw new AuthError('store', `cannot write ${this.path}: ${errorMessage(e)}`);
    }
    this.users = next;
    this.stamp = this.statStamp();
    for (const cb of this.listeners) cb();
    return result;
  }

  private statStamp(): string {
    try {
      const st = this.fs.statSync(this.path);
      return `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw new AuthError('store', `cannot stat ${this.path}: ${errorMessage(e)}`);
    }
  }

  /** @throws AuthError 'store' for an unreadable or malformed file (a missing one is empty). */
  private reload(force = false): void {
    const now = Date.now();
    if (!force && now - this.checkedAt < this.recheckMs) return;
    this.checkedAt = now;
    const stamp = this.statStamp();
    if (stamp === this.stamp) return;
    let users: UserRecord[] = [];
    if (stamp !== 'missing') {
      let text: string;
      try {
        text = this.fs.readFileSync(this.path, 'utf8');
      } catch (e) {
        throw new AuthError('store', `cannot read ${this.path}: ${errorMessage(e)}`);
      }
      users = parseUsers(text, this.path);
    }
    const first = this.stamp === '';
    this.users = new Map(users.map((u) => [u.name, u]));
    this.stamp = stamp;
    if (!first) for (const cb of this.listeners) cb();
  }
}
