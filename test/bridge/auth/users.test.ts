import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addUser, changeUser, deleteUser } from '../../../bridge/src/auth/accounts.ts';
import { atomicWrite, type AtomicFs } from '../../../bridge/src/auth/atomic.ts';
import { AuthError } from '../../../bridge/src/auth/errors.ts';
import { Hasher } from '../../../bridge/src/auth/password.ts';
import { makeAuthDir, TEST_SCRYPT } from '../../../bridge/src/auth/testing.ts';
import { checkUserName, UserStore } from '../../../bridge/src/auth/users.ts';

const dirs: { cleanup(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));
const tmp = () => {
  const d = makeAuthDir();
  dirs.push(d);
  return d;
};
const hasher = new Hasher(TEST_SCRYPT, 2);

describe('atomic write', () => {
  it('writes mode 0600 and leaves no temp file', () => {
    const { dir } = tmp();
    const path = join(dir, 'users.json');
    atomicWrite(path, '{"a":1}\n');
    expect(fs.statSync(path).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path, 'utf8')).toBe('{"a":1}\n');
    expect(fs.readdirSync(dir)).toEqual(['users.json']);
  });

  it.each(['writeSync', 'fsyncSync', 'renameSync'] as const)(
    'a crash in %s leaves the old file whole and removes the temp file',
    (call) => {
      const { dir } = tmp();
      const path = join(dir, 'users.json');
      atomicWrite(path, 'old content\n');
      let calls = 0;
      const crashing: AtomicFs = {
        ...fs,
        [call]: (...args: unknown[]) => {
          // writeSync: write half of the new content, then die, like a power cut mid-write.
          if (call === 'writeSync' && calls++ === 0) {
            const [fd, buf] = args as [number, Buffer];
            fs.writeSync(fd, buf, 0, Math.floor(buf.length / 2));
          }
          throw Object.assign(new Error(`simulated crash in ${call}`), { code: 'EIO' });
        },
      };
      expect(() => atomicWrite(path, 'new content that is longer\n', 0o600, crashing)).toThrow(/simulated crash/);
      expect(fs.readFileSync(path, 'utf8')).toBe('old content\n');
      expect(fs.readdirSync(dir)).toEqual(['users.json']);
    },
  );

  it('the store reports a failed write as a store error and keeps the old users', async () => {
    const { config } = tmp();
    const store = new UserStore(config.usersFile);
    await addUser(store, hasher, 'alice', 'password1', 'admin');
    const broken = new UserStore(config.usersFile, {
      ...fs,
      renameSync: () => {
        throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
      },
    });
    await expect(addUser(broken, hasher, 'bob', 'password2', 'viewer')).rejects.toMatchObject({ code: 'store' });
    expect(new UserStore(config.usersFile).list().map((u) => u.name)).toEqual(['alice']);
  });
});

describe('user store', () => {
  it('adds, lists, changes and deletes users in a 0600 JSON file, never storing the password', async () => {
    const { config } = tmp();
    const store = new UserStore(config.usersFile);
    expect(store.hasAdmin()).toBe(false);
    await addUser(store, hasher, 'Alice', 'correct horse', 'admin');
    await addUser(store, hasher, 'bob', 'battery staple', 'viewer');
    expect(store.hasAdmin()).toBe(true);
    expect(fs.statSync(config.usersFile).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(config.usersFile, 'utf8');
    expect(text).not.toContain('correct horse');
    expect(JSON.parse(text)).toMatchObject({ version: 1, users: [{ name: 'alice', role: 'admin' }, { name: 'bob' }] });
    const before = store.get('bob')!.epoch;
    await changeUser(store, hasher, 'bob', { role: 'operator' });
    expect(store.get('bob')).toMatchObject({ role: 'operator', epoch: before + 1 });
    deleteUser(store, 'bob');
    expect(store.list().map((u) => u.name)).toEqual(['alice']);
  });

  it('refuses a duplicate, a bad role, and removing or demoting the last admin', async () => {
    const { config } = tmp();
    const store = new UserStore(config.usersFile);
    await addUser(store, hasher, 'root1', 'password1', 'admin');
    await expect(addUser(store, hasher, 'ROOT1', 'password1', 'viewer')).rejects.toMatchObject({ code: 'exists' });
    await expect(addUser(store, hasher, 'x', 'password1', 'god')).rejects.toMatchObject({ code: 'bad-request' });
    expect(() => deleteUser(store, 'root1')).toThrow(expect.objectContaining({ code: 'last-admin' }) as Error);
    await expect(changeUser(store, hasher, 'root1', { role: 'viewer' })).rejects.toMatchObject({ code: 'last-admin' });
    await addUser(store, hasher, 'root2', 'password2', 'admin');
    deleteUser(store, 'root1');
    expect(store.hasAdmin()).toBe(true);
  });

  it('sees a change another process made to the file', async () => {
    const { config } = tmp();
    const bridgeSide = new UserStore(config.usersFile, fs, 0);
    let changes = 0;
    bridgeSide.onChange(() => changes++);
    expect(bridgeSide.get('carol')).toBeUndefined();
    await addUser(new UserStore(config.usersFile), hasher, 'carol', 'password3', 'operator');
    expect(bridgeSide.get('carol')?.role).toBe('operator');
    expect(changes).toBe(1);
  });

  it('reports a malformed users file instead of treating it as empty', () => {
    const { config } = tmp();
    fs.writeFileSync(config.usersFile, '{"version":1,"users":[{"name":"x"}]}');
    expect(() => new UserStore(config.usersFile)).toThrow(AuthError);
    fs.writeFileSync(config.usersFile, 'not json');
    expect(() => new UserStore(config.usersFile)).toThrow(/not valid JSON/);
  });

  it.each([
    ['alice', 'alice'],
    ['Alice', 'alice'],
    ['a.b-c_d9', 'a.b-c_d9'],
    ['0day', '0day'],
    ['', undefined],
    ['-x', undefined],
    ['a b', undefined],
    ['ålice', undefined],
    ['a'.repeat(33), undefined],
    ['a/../b', undefined],
  ])('user name %j → %j', (name, want) => {
    if (want) expect(checkUserName(name)).toBe(want);
    else expect(() => checkUserName(name)).toThrow(AuthError);
  });
});
