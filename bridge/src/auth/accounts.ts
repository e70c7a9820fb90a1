/**
 * Account changes shared by the admin HTTP API and the `webkvm-user` CLI. Each is one atomic
 * write of the users file; every password or role change bumps the user's epoch, which ends the
 * user's sessions in a running bridge (it re-reads the file; see UserStore).
 */
import { AuthError } from './errors.ts';
import type { Role } from './index.ts';
import { checkPassword, type Hasher } from './password.ts';
import { checkRole, checkUserName, type UserRecord, type UserStore } from './users.ts';

/** What GET /api/users lists per user (never the hash). */
export interface UserInfo {
  user: string;
  role: Role;
  hasPassword: boolean;
  /** ms since the Unix epoch. */
  createdAt: number;
  updatedAt: number;
}

export function userInfo(u: UserRecord): UserInfo {
  return {
    user: u.name,
    role: u.role,
    hasPassword: u.password !== null,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}

function admins(all: Map<string, UserRecord>): number {
  let n = 0;
  for (const u of all.values()) if (u.role === 'admin') n++;
  return n;
}

/**
 * @throws AuthError 'bad-request' (name, password or role), 'exists', 'store'
 */
export async function addUser(
  store: UserStore,
  hasher: Hasher,
  nameIn: unknown,
  password: unknown,
  roleIn: unknown,
): Promise<UserRecord> {
  const name = checkUserName(nameIn);
  const role = checkRole(roleIn);
  if (store.get(name)) throw new AuthError('exists', `user ${name} exists`);
  const hash = await hasher.hash(checkPassword(password));
  return store.update((all) => {
    if (all.has(name)) throw new AuthError('exists', `user ${name} exists`);
    const now = Date.now();
    const u: UserRecord = { name, role, password: hash, epoch: 1, createdAt: now, updatedAt: now };
    all.set(name, u);
    return u;
  });
}

/**
 * Sets a new password and/or role. `keep(epoch)` runs inside the write with the new epoch, so the
 * caller can carry its own session across its own password change.
 * @throws AuthError 'bad-request', 'not-found', 'last-admin' (demoting the only admin), 'store'
 */
export async function changeUser(
  store: UserStore,
  hasher: Hasher,
  nameIn: unknown,
  changes: { password?: unknown; role?: unknown },
  keep?: (epoch: number) => void,
): Promise<UserRecord> {
  const name = checkUserName(nameIn);
  const role = changes.role === undefined ? undefined : checkRole(changes.role);
  if (changes.password === undefined && role === undefined)
    throw new AuthError('bad-request', 'give a password, a role or both');
  if (!store.get(name)) throw new AuthError('not-found', `no user ${name}`);
  const hash = changes.password === undefined ? undefined : await hasher.hash(checkPassword(changes.password));
  return store.update((all) => {
    const u = all.get(name);
    if (!u) throw new AuthError('not-found', `no user ${name}`);
    if (role !== undefined && role !== 'admin' && u.role === 'admin' && admins(all) === 1)
      throw new AuthError('last-admin', `${name} is the only admin; make another admin first`);
    if (hash) u.password = hash;
    if (role) u.role = role;
    u.epoch++;
    u.updatedAt = Date.now();
    if (role === undefined) keep?.(u.epoch);
    return u;
  });
}

/** @throws AuthError 'bad-request', 'not-found', 'last-admin', 'store' */
export function deleteUser(store: UserStore, nameIn: unknown): void {
  const name = checkUserName(nameIn);
  store.update((all) => {
    const u = all.get(name);
    if (!u) throw new AuthError('not-found', `no user ${name}`);
    if (u.role === 'admin' && admins(all) === 1)
      throw new AuthError('last-admin', `${name} is the only admin; make another admin first`);
    all.delete(name);
  });
}
