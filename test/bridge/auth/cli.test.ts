/**
 * `npm run user` / `webkvm-user`, run as a real process against a temp users file: passwords
 * come from stdin when it is not a terminal.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SetupToken } from '../../../bridge/src/auth/onetime.ts';
import { makeAuthDir } from '../../../bridge/src/auth/testing.ts';
import { UserStore } from '../../../bridge/src/auth/users.ts';

const REPO = join(import.meta.dirname, '../../..');
const dir = makeAuthDir();
afterAll(() => dir.cleanup());

function cli(args: string[], stdin = ''): { status: number; out: string; err: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, WEBKVM_USERS: dir.config.usersFile, PORT: '8123' };
  delete env.BRIDGE_CONFIG;
  const r = spawnSync(process.execPath, ['--import=tsx', 'bridge/src/cli/user.ts', ...args], {
    cwd: REPO,
    env,
    input: stdin,
    encoding: 'utf8',
  });
  return { status: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('webkvm-user', () => {
  it('prints a setup link while no admin exists, storing only the token’s hash', () => {
    const r = cli(['setup-link']);
    expect(r.status, r.err).toBe(0);
    const token = /#setup=([A-Za-z0-9_-]{43})/.exec(r.out)?.[1];
    expect(token).toBeDefined();
    expect(r.out).toMatch(/http:\/\/\S+\.local:8123\/#setup=/);
    const file = join(dir.dir, 'setup-token.json');
    expect(readFileSync(file, 'utf8')).not.toContain(token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(() => new SetupToken(file).claim(token)).not.toThrow();
  });

  it('adds the first user as admin, with the password from stdin', () => {
    const r = cli(['add', 'alice'], 'alice-password\n');
    expect(r.status, r.err).toBe(0);
    expect(r.out).toContain('added alice (admin)');
    expect(readFileSync(dir.config.usersFile, 'utf8')).not.toContain('alice-password');
    expect(statSync(dir.config.usersFile).mode & 0o777).toBe(0o600);
    expect(cli(['setup-link']).out).toContain('an admin exists already');
  });

  it('adds with a role, lists, changes the password and the role, deletes', () => {
    expect(cli(['add', 'bob', '--role', 'viewer'], 'bob-password\n').status).toBe(0);
    const list = cli(['list']).out;
    expect(list).toMatch(/alice\s+admin\s+password/);
    expect(list).toMatch(/bob\s+viewer/);
    const epoch = new UserStore(dir.config.usersFile).get('bob')!.epoch;
    expect(cli(['passwd', 'bob'], 'new-bob-password\n').status).toBe(0);
    expect(cli(['role', 'bob', 'operator']).status).toBe(0);
    expect(new UserStore(dir.config.usersFile).get('bob')).toMatchObject({ role: 'operator', epoch: epoch + 2 });
    expect(cli(['del', 'bob']).status).toBe(0);
    expect(cli(['list']).out).not.toContain('bob');
  });

  it.each([
    [['add', 'carol'], '', 1, /no password on stdin/],
    [['add', 'carol'], 'short\n', 1, /at least 8/],
    [['add', 'bad name'], 'password123\n', 1, /user must be/],
    [['del', 'alice'], '', 1, /only admin/],
    [['frobnicate'], '', 2, /unknown command/],
    [['passwd'], '', 2, /one user name/],
  ])('%j fails clearly', (args, stdin, status, msg) => {
    const r = cli(args, stdin);
    expect(r.status).toBe(status);
    expect(r.err).toMatch(msg);
  });
});
