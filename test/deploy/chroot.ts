/**
 * A throwaway Debian Bookworm root for running deploy/install.sh: debootstrap --variant=minbase
 * (cached as a tarball under ~/.cache/webkvm-deploy, ~25 s to make, ~2 s to unpack), this
 * checkout copied to /home/pi/webkvm, and /proc, /sys, /dev, /dev/pts mounted for apt and npm.
 *
 * Stand-ins, because a chroot is not a Pi:
 * - Node: this machine's node (>= 20) and npm are copied in, playing an already-installed
 *   Node >= 20 (Bookworm's own nodejs is 18); so the installer's NodeSource path is not taken.
 * - npm: this machine's npm cache is copied in (--prefer-offline) and its CA bundle is passed
 *   through (npm_config_cafile, NODE_EXTRA_CA_CERTS) for networks that inspect TLS.
 * Needs root, debootstrap, and network access to the Debian mirror and the npm registry.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');
/** Where the checkout sits inside the root, as a user's clone on a Pi would. */
export const CHECKOUT = '/home/pi/webkvm';

const CACHE_DIR = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'webkvm-deploy');
const HOST_CA = '/etc/ssl/certs/ca-certificates.crt';

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export class DeployTestError extends Error {
  override readonly name = 'DeployTestError';
  readonly code: 'setup' | 'command';
  constructor(code: 'setup' | 'command', message: string) {
    super(message);
    this.code = code;
  }
}

/** The Debian mirror apt uses on this machine (deb822 "URIs:" or one-line "deb" sources). */
export function debianMirror(): string {
  const files = [
    '/etc/apt/sources.list',
    ...listDir('/etc/apt/sources.list.d').map((f) => join('/etc/apt/sources.list.d', f)),
  ];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const m =
      /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text) ??
      /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s+bookworm\s/m.exec(text);
    if (m?.[1]) return m[1];
  }
  return 'http://deb.debian.org/debian';
}

/** Mount points at or below dir, from /proc/self/mountinfo (field 5). */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
}

function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

function sh(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) {
    throw new DeployTestError(
      'setup',
      `${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`,
    );
  }
  return r.stdout;
}

/** The cached minbase tarball, made with debootstrap on first use. */
export function baseTarball(log: (line: string) => void): string {
  const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  const tarball = join(CACHE_DIR, `debootstrap-bookworm-minbase-${arch}.tar`);
  if (existsSync(tarball)) return tarball;
  mkdirSync(CACHE_DIR, { recursive: true });
  const build = mkdtempSync(join(CACHE_DIR, 'build-'));
  try {
    const mirror = debianMirror();
    log(`debootstrap --variant=minbase bookworm from ${mirror} (cached afterwards in ${tarball})`);
    sh('debootstrap', ['--variant=minbase', 'bookworm', join(build, 'root'), mirror]);
    sh('tar', ['-C', join(build, 'root'), '-cf', `${tarball}.partial`, '.']);
    renameSync(`${tarball}.partial`, tarball);
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
  return tarball;
}

export interface Chroot {
  root: string;
  /** Runs argv inside the root as root, with a clean environment; never throws. */
  run(argv: string[], env?: Record<string, string>): RunResult;
  /** Like run, but in a fresh network namespace with only loopback up. */
  runIsolated(argv: string[]): RunResult;
  /** A path inside the root, seen from outside. */
  path(p: string): string;
  /** Unmounts /proc, /sys, /dev (before packing the root into a disk image); safe to call twice. */
  unmount(): void;
  /** Unmounts and deletes everything; safe to call twice. */
  destroy(): void;
}

const MOUNTS: Array<{ target: string; args: (root: string) => string[] }> = [
  { target: 'proc', args: (r) => ['-t', 'proc', 'proc', join(r, 'proc')] },
  { target: 'sys', args: (r) => ['-t', 'sysfs', 'sysfs', join(r, 'sys')] },
  { target: 'dev', args: (r) => ['--bind', '/dev', join(r, 'dev')] },
  { target: 'dev/pts', args: (r) => ['--bind', '/dev/pts', join(r, 'dev/pts')] },
];

/**
 * Unpacks the base root into a temp dir, copies node, npm, the npm cache and the checkout in,
 * and mounts /proc, /sys, /dev and /dev/pts. Call destroy() in afterAll.
 */
export function makeChroot(log: (line: string) => void): Chroot {
  const tarball = baseTarball(log);
  const dir = mkdtempSync(join(tmpdir(), 'webkvm-deploy-'));
  const root = join(dir, 'root');
  const mounted: string[] = [];
  const unmount = (): void => {
    for (const m of mounted.splice(0).reverse()) {
      const r = spawnSync('umount', [join(root, m)]);
      // A process left behind (it shouldn't be) would keep it busy: detach instead of failing.
      if (r.status !== 0) spawnSync('umount', ['-l', join(root, m)]);
    }
  };
  const destroy = (): void => {
    unmount();
    // Never delete through a mount that is still there: /dev is this machine's own.
    const still = mountsUnder(root);
    if (still.length > 0) throw new DeployTestError('setup', `still mounted, not deleting ${dir}: ${still.join(', ')}`);
    spawnSync('rm', ['-rf', '--one-file-system', dir]);
  };
  try {
    mkdirSync(root);
    sh('tar', ['-C', root, '-xf', tarball]);
    cpSync('/etc/resolv.conf', join(root, 'etc/resolv.conf'), { dereference: true });
    copyNode(root);
    copyCheckout(join(root, CHECKOUT.slice(1)));
    for (const m of MOUNTS) {
      sh('mount', m.args(root));
      mounted.push(m.target);
    }
  } catch (e) {
    destroy();
    throw e;
  }
  const env = chrootEnv(root);
  const run = (argv: string[], extra: Record<string, string> = {}): RunResult => {
    const vars = Object.entries({ ...env, ...extra }).map(([k, v]) => `${k}=${v}`);
    const r = spawnSync('chroot', [root, '/usr/bin/env', '-i', ...vars, ...argv], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  const runIsolated = (argv: string[]): RunResult => {
    const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const quoted = [root, '/usr/bin/env', '-i', ...vars, ...argv].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const r = spawnSync('unshare', ['--net', 'sh', '-c', `ip link set lo up && exec chroot ${quoted}`], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  return { root, run, runIsolated, path: (p) => join(root, p.replace(/^\/+/, '')), unmount, destroy };
}

/** This machine's node and npm, where a Debian root would have NodeSource's (/usr/bin, /usr/lib). */
function copyNode(root: string): void {
  const node = execFileSync('sh', ['-c', 'readlink -f "$(command -v node)"'], { encoding: 'utf8' }).trim();
  const npmCli = execFileSync('sh', ['-c', 'readlink -f "$(command -v npm)"'], { encoding: 'utf8' }).trim();
  const npmDir = dirname(dirname(npmCli)); // .../node_modules/npm
  cpSync(node, join(root, 'usr/bin/node'));
  cpSync(npmDir, join(root, 'usr/lib/node_modules/npm'), { recursive: true });
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(root, 'usr/bin/npm'));
  const cache = join(homedir(), '.npm', '_cacache');
  if (existsSync(cache)) cpSync(cache, join(root, 'var/cache/webkvm-test-npm/_cacache'), { recursive: true });
  if (existsSync(HOST_CA)) cpSync(HOST_CA, join(root, 'usr/local/share/webkvm-test-ca.crt'));
}

/** The checkout as `git clone` would leave it: no node_modules, no build output. */
function copyCheckout(dest: string): void {
  mkdirSync(dest, { recursive: true });
  const excludes = ['.git', 'node_modules', 'web/dist', '.tsbuild', '.run', 'test-results'].map(
    (e) => `--exclude=./${e}`,
  );
  execFileSync('sh', ['-c', `tar -C "$1" ${excludes.join(' ')} -cf - . | tar -C "$2" -xf -`, 'sh', REPO, dest]);
  // The gadget's udev rules are written in parallel with this installer; until they land, a
  // stand-in with the agreed names keeps the install going (the installer itself refuses a
  // checkout without them) and gives the booted image its /dev/webkvm-* nodes.
  const rules = join(dest, 'hardware/gadget/udev/99-webkvm-hid.rules');
  if (!existsSync(rules)) {
    mkdirSync(dirname(rules), { recursive: true });
    writeFileSync(rules, STAND_IN_RULES);
  }
}

/** Written by test/deploy only while hardware/gadget/udev/99-webkvm-hid.rules is missing. */
const STAND_IN_RULES = `# Stand-in written by test/deploy: hardware/gadget/udev/99-webkvm-hid.rules is not in this checkout yet.
# Gadget functions are created keyboard, mouse, mouse-rel, so hidg0..2 in that order here.
SUBSYSTEM=="hidg", KERNEL=="hidg0", SYMLINK+="webkvm-keyboard", GROUP="webkvm", MODE="0660"
SUBSYSTEM=="hidg", KERNEL=="hidg1", SYMLINK+="webkvm-mouse", GROUP="webkvm", MODE="0660"
SUBSYSTEM=="hidg", KERNEL=="hidg2", SYMLINK+="webkvm-mouse-rel", GROUP="webkvm", MODE="0660"
`;

function chrootEnv(root: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/root',
    LANG: 'C.UTF-8',
    npm_config_cache: '/var/cache/webkvm-test-npm',
    npm_config_prefer_offline: 'true',
    npm_config_update_notifier: 'false',
  };
  if (existsSync(join(root, 'usr/local/share/webkvm-test-ca.crt'))) {
    env.npm_config_cafile = '/usr/local/share/webkvm-test-ca.crt';
    env.NODE_EXTRA_CA_CERTS = '/usr/local/share/webkvm-test-ca.crt';
  }
  return env;
}

/** Throws with the command's output unless it exited 0. */
export function expectOk(r: RunResult, what: string): RunResult {
  if (r.status !== 0)
    throw new DeployTestError(
      'command',
      `${what} exited ${r.status}:\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
    );
  return r;
}
