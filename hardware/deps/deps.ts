/**
 * The Debian packages a suite needs (packages.json, the one list that npm start, the npm test
 * scripts and .ci/run read), checked up front so a missing binary is one clear message with the
 * exact install command instead of a child process failing with ENOENT halfway through a test.
 * As root the missing ones are installed the way npm start always has: `apt-get install -y`,
 * `apt-get update` and once more if that fails, apt's output streamed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGES_FILE = fileURLToPath(new URL('./packages.json', import.meta.url));

/** One entry of packages.json: apt package `pkg` is installed when file `need` is there. */
export interface Dependency {
  pkg: string;
  /** A command name (searched in the probe's directories) or an absolute path. */
  need: string;
  why: string;
}

export interface SuiteSpec {
  description: string;
  include: string[];
  packages: Dependency[];
}

export type DepsErrorCode =
  | 'DEPS_LIST_INVALID' // packages.json is unreadable or malformed
  | 'DEPS_UNKNOWN_SUITE' // a suite name that packages.json does not have
  | 'DEPS_MISSING' // packages are missing and this process may not install them (not root)
  | 'DEPS_INSTALL_FAILED'; // apt-get ran and failed, or the files are still missing afterwards

export class DepsError extends Error {
  override name = 'DepsError';
  constructor(
    readonly code: DepsErrorCode,
    message: string,
    /** The missing packages, and the command that installs them ('' when not applicable). */
    readonly missing: readonly string[] = [],
    readonly command = '',
  ) {
    super(message);
  }
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function parseDependency(v: unknown, where: string): Dependency {
  const d = v as Partial<Record<keyof Dependency, unknown>> | null;
  if (!d || typeof d.pkg !== 'string' || typeof d.need !== 'string' || typeof d.why !== 'string' || !d.pkg || !d.need)
    throw new DepsError('DEPS_LIST_INVALID', `${where}: each package needs string "pkg", "need" and "why"`);
  return { pkg: d.pkg, need: d.need, why: d.why };
}

/**
 * Reads and checks packages.json: `{ suites: { <name>: { description, include?, packages: [{ pkg,
 * need, why }] } } }`, every include naming a suite.
 * @throws DepsError DEPS_LIST_INVALID
 */
export function loadSuites(file = PACKAGES_FILE): Record<string, SuiteSpec> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DepsError('DEPS_LIST_INVALID', `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const suites = (raw as { suites?: unknown } | null)?.suites;
  if (!suites || typeof suites !== 'object') throw new DepsError('DEPS_LIST_INVALID', `${file}: no "suites" object`);
  const out: Record<string, SuiteSpec> = {};
  for (const [name, v] of Object.entries(suites)) {
    const s = v as { description?: unknown; include?: unknown; packages?: unknown };
    const include = s.include ?? [];
    if (typeof s.description !== 'string' || !isStringArray(include) || !Array.isArray(s.packages))
      throw new DepsError('DEPS_LIST_INVALID', `${file}: suite "${name}" needs description, include[], packages[]`);
    out[name] = {
      description: s.description,
      include,
      packages: s.packages.map((p, i) => parseDependency(p, `${file}: ${name}.packages[${i}]`)),
    };
  }
  for (const [name, s] of Object.entries(out))
    for (const inc of s.include)
      if (!out[inc]) throw new DepsError('DEPS_LIST_INVALID', `${file}: suite "${name}" includes unknown "${inc}"`);
  return out;
}

/**
 * The dependencies of `names` and of the suites they include, each package once, in list order.
 * @throws DepsError DEPS_UNKNOWN_SUITE
 */
export function dependenciesOf(names: readonly string[], suites = loadSuites()): Dependency[] {
  const seen = new Set<string>();
  const out: Dependency[] = [];
  const visit = (name: string, trail: string[]): void => {
    const s = suites[name];
    if (!s)
      throw new DepsError('DEPS_UNKNOWN_SUITE', `unknown suite "${name}" (have: ${Object.keys(suites).join(', ')})`);
    if (trail.includes(name)) return; // an include cycle adds nothing new
    for (const inc of s.include) visit(inc, [...trail, name]);
    for (const d of s.packages) {
      if (seen.has(d.pkg)) continue;
      seen.add(d.pkg);
      out.push(d);
    }
  };
  for (const n of names) visit(n, []);
  return out;
}

/** Where `need`s are looked up; tests fake it instead of uninstalling packages. */
export interface Probe {
  /** Directories a command name is searched in. */
  dirs: readonly string[];
  /** True if `file` exists (and, for commands, is executable). */
  exists(file: string, executable: boolean): boolean;
}

/** Directories root's PATH has on Debian, searched after PATH so a user's PATH without sbin still finds mke2fs. */
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** This machine: PATH (read now) plus the sbin directories, checked with access(2). */
export function systemProbe(env: NodeJS.ProcessEnv = process.env): Probe {
  return {
    dirs: [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...SBIN_DIRS],
    exists(file, executable) {
      try {
        fs.accessSync(file, executable ? fs.constants.X_OK : fs.constants.F_OK);
        return true;
      } catch {
        return false; // ENOENT or EACCES: not usable, which is what the caller asks
      }
    },
  };
}

export function isPresent(need: string, probe: Probe): boolean {
  if (path.isAbsolute(need)) return probe.exists(need, false);
  return probe.dirs.some((dir) => probe.exists(path.join(dir, need), true));
}

/** Packages of `deps` whose `need` is missing, deduplicated, in order; [] when all are there. */
export function missingPackages(deps: readonly Dependency[], probe: Probe = systemProbe()): string[] {
  return [...new Set(deps.filter((d) => !isPresent(d.need, probe)).map((d) => d.pkg))];
}

/** Runs a command, streaming its output line by line to `log`; resolves with its exit code (-1: did not run). */
export type Runner = (cmd: string, args: string[], log: (line: string) => void) => Promise<number>;

export const runStreaming: Runner = (cmd, args, log) => {
  log(`$ ${cmd} ${args.join(' ')}`);
  return new Promise((resolve) => {
    const p = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const forward = (chunk: Buffer): void =>
      chunk
        .toString()
        .split('\n')
        .filter(Boolean)
        .forEach((l) => log(`  ${l}`));
    p.stdout.on('data', forward);
    p.stderr.on('data', forward);
    p.on('error', (err) => {
      log(`  ${cmd}: ${err.message}`);
      resolve(-1);
    });
    p.on('exit', (code) => resolve(code ?? -1));
  });
};

export interface EnsureOptions {
  /** Who needs them, for messages: 'the simulated target', 'npm test'. */
  who: string;
  log?: (line: string) => void;
  /** Default: process.getuid() === 0, read at call time. */
  isRoot?: boolean;
  probe?: Probe;
  run?: Runner;
}

/**
 * Makes sure `deps` are installed. All present: resolves with []. Missing and root: `apt-get
 * install -y <pkgs>` (after `apt-get update` if the first attempt fails), output streamed to
 * `log`; resolves with the packages it installed.
 * @throws DepsError DEPS_MISSING (not root; the message ends with the exact
 *   `sudo apt-get install -y <pkgs>` command) or DEPS_INSTALL_FAILED
 */
export async function ensureDependencies(deps: readonly Dependency[], o: EnsureOptions): Promise<string[]> {
  const log = o.log ?? console.log;
  const probe = o.probe ?? systemProbe();
  const run = o.run ?? runStreaming;
  const missing = missingPackages(deps, probe);
  if (missing.length === 0) return [];
  const command = `sudo apt-get install -y ${missing.join(' ')}`;
  if (!(o.isRoot ?? process.getuid?.() === 0)) {
    throw new DepsError(
      'DEPS_MISSING',
      `${o.who} needs: ${missing.join(', ')}. Install them with: ${command}`,
      missing,
      command,
    );
  }
  log(`${o.who}: installing ${missing.join(' ')}`);
  let code = await run('apt-get', ['install', '-y', ...missing], log);
  if (code !== 0) {
    // A fresh machine may have no package lists yet, or stale ones.
    await run('apt-get', ['update'], log);
    code = await run('apt-get', ['install', '-y', ...missing], log);
  }
  const still = missingPackages(deps, probe);
  if (code !== 0 || still.length > 0) {
    throw new DepsError(
      'DEPS_INSTALL_FAILED',
      `apt-get could not install ${still.join(' ') || missing.join(' ')} (exit ${code}); try: ${command}`,
      still.length ? still : missing,
      command,
    );
  }
  return missing;
}
