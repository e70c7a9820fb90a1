/**
 * Benchmark 6 (issue 11): paste on the real gadget. Boots the kernel rig (Debian's kernel under
 * QEMU, dummy_hcd, the project's gadget and the bridge's own relay), types a mixed 2,000-character
 * text planned for the German layout through the gadget at each rate preset, and compares the
 * host's evdev key events with the plan (test/rig/guest/check-paste.ts).
 *
 *   npx tsx test/bench/paste-gadget.bench.ts            # 2,000 characters
 *   npx tsx test/bench/paste-gadget.bench.ts --short    # 200 characters (CI keeps it working)
 *
 * Prints the machine's cores and load, each rate's chars/s, reports/s and drops, and ends with
 * `paste on gadget: default N chars/s drops D, fast N chars/s drops D` (default = the PWA's
 * default preset, DEFAULT_RATE). Emulated USB under TCG: the rate is the guest's, not a Pi's, but
 * drops are real kernel behaviour. Exits 1 if the rig could not run the check.
 */
import * as os from 'node:os';
import { DEFAULT_RATE } from '../../web/src/lib/layouts/planner.ts';
import { runRig } from '../rig/run.ts';

const short = process.argv.includes('--short');
const chars = short ? 200 : 2000;
const load = () => os.loadavg().map((l) => l.toFixed(2));
const loadBefore = load();
console.log(`paste-gadget: ${os.cpus().length} cores, load ${loadBefore.join(' ')}, ${chars} characters (layout de)`);

const run = await runRig((line) => console.error(line), {
  append: ['webkvm.only=paste', `webkvm.paste=${chars}`, 'webkvm.rates=safe,fast'],
  timeoutMs: 900_000,
});
const check = run.checks.get('paste');
if (!check?.result) {
  console.error(`paste check did not report: ${JSON.stringify(check?.error ?? null)}; console ${run.consoleLog}`);
  process.exit(1);
}
interface RateResult {
  reportDelayMs: number;
  reports: number;
  ms: number;
  charsPerSecond: number;
  reportsPerSecond: number;
  drops: number;
  outcomes: string[];
  host: { missing: number; lost: number; strays: number; synDropped: number; firstMissing: string[] };
}
const rates = check.result as Record<string, RateResult | unknown>;
const loadAfter = load();
for (const name of ['safe', 'fast'] as const) {
  const r = rates[name] as RateResult;
  console.log(
    `  ${name} (${r.reportDelayMs} ms per report): ${r.reports} reports in ${r.ms} ms, ${r.charsPerSecond} chars/s, ` +
      `${r.reportsPerSecond} reports/s, drops ${r.drops}, lost to SYN_DROPPED ${r.host.lost}, strays ${r.host.strays}, ` +
      `batches ${r.outcomes.join(', ')}${r.host.firstMissing.length ? `, first missing ${r.host.firstMissing.join('; ')}` : ''}`,
  );
}
console.log(
  `noise: load ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after; boot ${((run.bootMs ?? 0) / 1000).toFixed(1)} s under TCG, kernel ${run.kernel}`,
);
const def = rates[DEFAULT_RATE] as RateResult;
const fast = rates.fast as RateResult;
console.log(
  `paste on gadget: default ${def.charsPerSecond} chars/s drops ${def.drops}, fast ${fast.charsPerSecond} chars/s drops ${fast.drops}`,
);
