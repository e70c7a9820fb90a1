/**
 * Account management: `npm run user -- <command>` in a checkout, `sudo webkvm-user <command>` on
 * a Pi (deploy/webkvm-user runs this as the service user with BRIDGE_CONFIG set).
 *
 *   add <user> [--role admin|operator|viewer]   new account (default role: operator; admin if none yet)
 *   passwd <user>                               new password (ends the user's sessions)
 *   role <user> <role>                          new role (ends the user's sessions)
 *   del <user>                                  delete (ends the user's sessions)
 *   list                                        users, roles and whether they have a password
 *   setup-link                                  one-time first-admin link (1 h, one use)
 *
 * Passwords come from the terminal with echo off, or from stdin's first line when piped; never
 * from argv. The users file: env WEBKVM_USERS, else BRIDGE_CONFIG's auth.usersFile (default
 * /var/lib/webkvm/users.json), else, with no BRIDGE_CONFIG, npm start's .run/auth/users.json.
 * A running bridge picks changes up within a second. Exit status: 0 ok, 1 error, 2 usage.
 */
import { hostname, networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { addUser, changeUser, deleteUser } from '../auth/accounts.ts';
import { AuthError, errorMessage } from '../auth/errors.ts';
import { ROLES } from '../auth/index.ts';
import { writeSetupToken } from '../auth/onetime.ts';
import { Hasher } from '../auth/password.ts';
import { UserStore } from '../auth/users.ts';
import { ConfigError, DEV_USERS_FILE, loadConfig } from '../config.ts';
import { PromptError, readPassword } from './prompt.ts';

const USAGE = `usage: webkvm-user add <user> [--role ${ROLES.join('|')}]
       webkvm-user passwd <user>
       webkvm-user role <user> <${ROLES.join('|')}>
       webkvm-user del <user>
       webkvm-user list
       webkvm-user setup-link`;

class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'usage';
}

interface Target {
  usersFile: string;
  setupTokenFile: string;
  port: number;
  tls: boolean;
}

function target(env: NodeJS.ProcessEnv): Target {
  if (!env.BRIDGE_CONFIG) {
    const usersFile = env.WEBKVM_USERS ?? DEV_USERS_FILE;
    return {
      usersFile,
      setupTokenFile: join(dirname(usersFile), 'setup-token.json'),
      port: Number(env.PORT ?? 8000),
      tls: false,
    };
  }
  const c = loadConfig(env);
  const usersFile = c.auth?.usersFile as string;
  return {
    usersFile,
    setupTokenFile: c.auth?.setupTokenFile ?? join(dirname(usersFile), 'setup-token.json'),
    port: c.port,
    tls: Boolean(c.tls),
  };
}

/** The links to print: hostname.local first, then each IPv4 address (IPv6 needs brackets and zones). */
function setupLinks(token: string, port: number, tls: boolean): string[] {
  const scheme = tls ? 'https' : 'http';
  const portPart = port === (tls ? 443 : 80) ? '' : `:${port}`;
  const short = hostname().split('.')[0] ?? 'localhost';
  const hosts = [`${short}.local`];
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) hosts.push(a.address);
  return hosts.map((h) => `${scheme}://${h}${portPart}/#setup=${token}`);
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined) throw new UsageError(`${name} needs a value`);
  args.splice(i, 2);
  return v;
}

async function run(argv: string[], out: (line: string) => void): Promise<void> {
  const [cmd, ...args] = argv;
  const t = target(process.env);
  const store = new UserStore(t.usersFile);
  const hasher = new Hasher();
  const one = (): string => {
    if (args.length !== 1) throw new UsageError(`${cmd} takes one user name`);
    return args[0] as string;
  };
  switch (cmd) {
    case 'add': {
      const role = flag(args, '--role') ?? (store.hasAdmin() ? 'operator' : 'admin');
      const name = one();
      const password = await readPassword(`password for ${name}: `, { confirm: true });
      const u = await addUser(store, hasher, name, password, role);
      return out(`added ${u.name} (${u.role}) to ${t.usersFile}`);
    }
    case 'passwd': {
      const name = one();
      const password = await readPassword(`new password for ${name}: `, { confirm: true });
      await changeUser(store, hasher, name, { password });
      return out(`password of ${name} changed; their sessions end`);
    }
    case 'role': {
      if (args.length !== 2) throw new UsageError('role takes a user name and a role');
      const u = await changeUser(store, hasher, args[0], { role: args[1] });
      return out(`${u.name} is now ${u.role}; their sessions end`);
    }
    case 'del': {
      const name = one();
      deleteUser(store, name);
      return out(`deleted ${name}; their sessions end`);
    }
    case 'list': {
      if (args.length) throw new UsageError('list takes no arguments');
      const users = store.list();
      if (users.length === 0) return out(`no users in ${t.usersFile}`);
      for (const u of users)
        out(
          `${u.name.padEnd(32)} ${u.role.padEnd(8)} ${u.password ? 'password' : 'no password (one-time links only)'}`,
        );
      return;
    }
    case 'setup-link': {
      if (args.length) throw new UsageError('setup-link takes no arguments');
      const admin = store.list().find((u) => u.role === 'admin');
      if (admin)
        return out(
          `an admin exists already (${admin.name}): no setup link needed; add accounts with "webkvm-user add <user>"`,
        );
      const { token, expiresAt } = writeSetupToken(t.setupTokenFile);
      const [first, ...rest] = setupLinks(token, t.port, t.tls);
      out(`first-admin setup link (one use, valid until ${new Date(expiresAt).toISOString()}):`);
      out(`  ${first}`);
      for (const l of rest) out(`  or ${l}`);
      return;
    }
    default:
      throw new UsageError(cmd ? `unknown command "${cmd}"` : 'no command');
  }
}

run(process.argv.slice(2), (line) => console.log(line)).then(
  () => process.exit(0),
  (e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n${USAGE}`);
      process.exit(2);
    }
    const kind = e instanceof AuthError || e instanceof ConfigError || e instanceof PromptError ? e.code : 'error';
    console.error(`webkvm-user: ${kind}: ${errorMessage(e)}`);
    process.exit(1);
  },
);
