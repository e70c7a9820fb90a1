/**
 * The check every npm test script runs first:
 *   tsx hardware/deps/ensure.ts <suite>...      e.g. `unit e2e` for npm test, `rig` for test:hardware
 *   tsx hardware/deps/ensure.ts --list <suite|all>...   prints the apt package names, one line
 * Suites and packages: hardware/deps/packages.json. All present: one line, exit 0. Missing and
 * root: installs them as npm start does (apt-get install -y, apt's output streamed), exit 0.
 * Missing otherwise: names each package and why, prints the one `sudo apt-get install -y …` line,
 * exit 1. Exit 2: usage (unknown suite).
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import {
  DepsError,
  dependenciesOf,
  ensureDependencies,
  loadSuites,
  type Dependency,
  type Probe,
  type Runner,
} from './deps.ts';

/** The npm script that runs each suite, for messages. */
const SCRIPT: Record<string, string> = {
  start: 'npm start',
  unit: 'npm test',
  e2e: 'npm test',
  rig: 'npm run test:hardware',
  deploy: 'npm run test:deploy',
  layouts: 'npm run test:layouts',
};

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  isRoot?: boolean;
  probe?: Probe;
  run?: Runner;
}

const defaultIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Runs the command line `argv` (without node and script); resolves with the exit code. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const list = argv[0] === '--list';
  const names = list ? argv.slice(1) : [...argv];
  if (names.length === 0) {
    io.err('usage: tsx hardware/deps/ensure.ts <suite>... | --list <suite|all>...');
    return 2;
  }
  let deps: Dependency[] = [];
  let who = '';
  try {
    const suites = loadSuites();
    const wanted = names.includes('all') ? Object.keys(suites) : names;
    deps = dependenciesOf(wanted, suites);
    if (list) {
      io.out(deps.map((d) => d.pkg).join(' '));
      return 0;
    }
    who = [...new Set(wanted.map((n) => SCRIPT[n] ?? `suite ${n}`))].join(', ');
    const installed = await ensureDependencies(deps, {
      who,
      log: io.out,
      ...(io.isRoot !== undefined && { isRoot: io.isRoot }),
      ...(io.probe && { probe: io.probe }),
      ...(io.run && { run: io.run }),
    });
    io.out(
      `deps (${wanted.join(', ')}): ${deps.length} Debian packages present` +
        (installed.length ? `, ${installed.length} of them just installed` : ''),
    );
    return 0;
  } catch (e) {
    if (!(e instanceof DepsError)) throw e;
    if (e.code === 'DEPS_UNKNOWN_SUITE') {
      io.err(`ensure-deps: ${e.message}`);
      return 2;
    }
    if (e.code === 'DEPS_MISSING') {
      io.err(`ensure-deps: ${who} needs Debian packages that are not installed here:`);
      for (const d of deps.filter((d) => e.missing.includes(d.pkg))) io.err(`  ${d.pkg} (${d.need}): ${d.why}`);
      io.err('Install them, then run it again (run as root, this check installs them itself):');
      io.err(`  ${e.command}`);
      return 1;
    }
    io.err(`ensure-deps: ${e.code}: ${e.message}`);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
