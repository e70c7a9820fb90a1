/**
 * Macro playback timing against the recorded delays: `npx tsx test/bench/macro-timing.bench.ts`.
 *
 * A person typing is simulated (BENCH_EVENTS key events; holds 40..140 ms, gaps 30..400 ms, some
 * pauses up to 2.5 s). Their timestamps go through the real recorder (record.ts), tidyDelays at
 * each quantum in BENCH_QUANTA (ms), compileSteps and batchesOf, and the bridge's own batch
 * player (bridge/src/hid/batch.ts `playBatch`), whose writes are timestamped. The error of each
 * interval is |played − recorded| between consecutive key events; printed as p50/p95/max ms.
 * The device write resolves after `BENCH_WRITE_MS` (default 1: one full-speed USB frame).
 */
import { loadavg } from 'node:os';
import { playBatch } from '../../bridge/src/hid/batch.ts';
import { RATE_PRESETS } from '../../web/src/lib/layouts/planner.ts';
import { batchesOf, compileSteps } from '../../web/src/lib/macros/compile.ts';
import { MacroError } from '../../web/src/lib/macros/errors.ts';
import { makeRecorder, tidyDelays, DEFAULT_TIDY } from '../../web/src/lib/macros/record.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
const QUANTA = (process.env.BENCH_QUANTA ?? '1,10').split(',').map(Number);
const WRITE_MS = Number(process.env.BENCH_WRITE_MS ?? 1);

let seed = 42;
const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const between = (lo: number, hi: number): number => lo + (hi - lo) * rnd();

/** Key events of someone typing: [code, down?, t ms]. Letters only, one key at a time. */
function typing(n: number): [string, boolean, number][] {
  const out: [string, boolean, number][] = [];
  let t = 1000;
  for (let i = 0; out.length < n; i++) {
    const code = `Key${String.fromCharCode(65 + Math.floor(rnd() * 26))}`;
    out.push([code, true, t]);
    t += between(40, 140);
    out.push([code, false, t]);
    t += rnd() < 0.05 ? between(800, 2500) : between(30, 400);
  }
  return out.slice(0, n);
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function run(quantumMs: number): Promise<void> {
  seed = 42; // the same person for every quantum
  const events = typing(EVENTS);
  const rec = makeRecorder({ stopChord: [] });
  for (const [code, down, t] of events) (down ? rec.down : rec.up)(code, t);
  const steps = tidyDelays(rec.finish(), { ...DEFAULT_TIDY, quantumMs, maxMs: 60_000 });
  const c = compileSteps(steps, { text: { capsLock: false, unicodeFallback: 'skip', ...RATE_PRESETS.fast } });
  if (c instanceof MacroError) throw c;
  const stamps: number[] = [];
  let id = 1;
  for (const steps of batchesOf(c, 1, 50_000)) {
    const end = await playBatch(
      { type: 'batch', id: id++, steps },
      {
        write: async () => {
          stamps.push(performance.now());
          if (WRITE_MS > 0) await new Promise((r) => setTimeout(r, WRITE_MS));
          return true;
        },
        signal: new AbortController().signal,
        onProgress: () => undefined,
      },
    );
    if (end.outcome !== 'done') throw new Error(`batch ${end.outcome}: ${end.reason}`);
  }
  // The compiled iteration has one report per key event, plus chunk rewrites on waits over 1 s:
  // pick the key events' reports by matching the recorded order.
  const keyReports: number[] = [];
  for (let i = 0; i < c.steps.length; i++) {
    const prev = c.steps[i - 1];
    if (!prev || !prev.report.every((b, j) => b === c.steps[i]!.report[j])) keyReports.push(stamps[i]!);
  }
  const errors: number[] = [];
  for (let i = 1; i < Math.min(keyReports.length, events.length); i++) {
    const recorded = events[i]![2] - events[i - 1]![2];
    const played = keyReports[i]! - keyReports[i - 1]!;
    errors.push(Math.abs(played - recorded));
  }
  const total = (events[events.length - 1]![2] - events[0]![2]) / 1000;
  console.log(
    `quantum ${String(quantumMs).padStart(3)} ms: ${errors.length} intervals over ${total.toFixed(1)} s, ` +
      `error p50 ${pct(errors, 50).toFixed(2)} ms, p95 ${pct(errors, 95).toFixed(2)} ms, max ${Math.max(...errors).toFixed(2)} ms` +
      ` (${c.steps.length} reports)`,
  );
}

async function main(): Promise<void> {
  console.log(
    `macro timing: ${EVENTS} key events, device write ${WRITE_MS} ms, node ${process.version}, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  for (const q of QUANTA) await run(q);
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
