/**
 * `npm run bench` (and `npm run bench:short` for CI): runs the issue 11 benchmarks one after the
 * other, each in its own process, then repeats their result lines in one block. A bench that
 * cannot run (exit status not 0) fails the whole run; numbers never do.
 * Usage: `tsx test/bench/run.ts [--short] [name ...]` (names below; default all of them).
 * The older benches stay reachable alone: bench:main-job, bench:paste, bench:flood, bench:macro-timing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';

const BENCHES: Record<string, string> = {
  img: 'test/bench/img.bench.ts',
  'slow-viewer': 'test/bench/slow-viewer.bench.ts',
  'key-to-pixel': 'test/bench/key-to-pixel.bench.ts',
  relay: 'test/bench/relay.bench.ts',
  'first-load': 'test/bench/first-load.bench.ts',
  ab: 'test/bench/ab.bench.ts',
  'paint-rate': 'test/bench/paint-rate.bench.ts',
  // Benchmark 6 (paste on the gadget) is the rig's; it joins the run once its script exists.
  'paste-gadget': 'test/bench/paste-gadget.bench.ts',
};
/** The lines each bench ends with (issue 11 §4), in the order the summary gives them. */
const RESULT =
  /^(frame age at paint |slow viewer 10mbit: |key to pixel: p50 |bridge relay 1080p30 |first load: |paste on gadget: |A\/B )/;

const args = process.argv.slice(2);
const short = args.includes('--short');
const names = args.filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length) {
  console.error(`unknown bench ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const chosen = (names.length ? names : Object.keys(BENCHES)).filter(
  (n) => names.includes(n) || existsSync(BENCHES[n]!),
);

const results: string[] = [];
const failed: string[] = [];
const t0 = Date.now();
console.log(
  `bench run${short ? ' (short)' : ''}: ${chosen.join(', ')}; ${cpus().length} cores, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const name of chosen) {
  console.log(`\n=== bench ${name}: ${BENCHES[name]}${short ? ' --short' : ''}`);
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', BENCHES[name]!, ...(short ? ['--short'] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  createInterface({ input: child.stdout }).on('line', (l) => {
    console.log(l);
    if (RESULT.test(l)) results.push(l);
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  console.log(
    `=== bench ${name}: ${code === 0 ? 'ran' : `FAILED (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  if (code !== 0) failed.push(name);
}
console.log(`\n=== bench results (${((Date.now() - t0) / 1000).toFixed(0)} s, load now ${loadavg()[0]!.toFixed(2)})`);
for (const l of results) console.log(l);
if (failed.length) {
  console.log(`could not run: ${failed.join(', ')}`);
  process.exit(1);
}
