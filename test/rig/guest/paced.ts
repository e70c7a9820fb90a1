import type { EvdevReader, InputEvent } from './evdev.ts';
import { EventMatcher, type ExpectedGroup } from './matcher.ts';
import { sleep } from './util.ts';

/** One step of a paced check: the reports to send and the host-side events they must produce. */
export interface PacedStep extends ExpectedGroup {
  /** Writes the step's reports (through the relay); returns the relay's refusal code, if any. */
  send(): string | undefined;
}

export interface PaceOptions {
  reader: EvdevReader;
  watch: (e: InputEvent) => boolean;
  /**
   * Steps per window. A window is sent, then its events are awaited before the next one goes, so
   * the reader's kernel buffer never holds more than one window: keep window × events per step
   * well under the 64 events evdev buffers for our devices.
   */
  window: number;
  /** A window gives up after this long without a new watched event, ms. */
  stallMs?: number;
  /** The whole play gives up after this, ms; steps not sent by then are counted in notRun. */
  budgetMs?: number;
  /** How often a window that met SYN_DROPPED is sent again. */
  maxReplays?: number;
  /** Puts the device in a known state (all keys and buttons up) before a window is sent again. */
  reset(): void;
  /** Position in reader.events to judge from (default: whatever is read before the play is skipped). */
  from?: number;
}

export interface PacedResult {
  steps: number;
  ok: number;
  failed: string[];
  missing: string[];
  lost: string[];
  strays: string[];
  refused: string[];
  notRun: number;
  windows: number;
  /** First and last label of each window sent again after SYN_DROPPED. */
  replayed: string[];
  synDropped: number;
  /** Windows that ended on stallMs rather than complete. */
  stalled: number;
  ms: number;
  slowestWindowMs: number;
}

/**
 * Waits until `reader` has read nothing new for `quietMs`, at most `maxMs`; returns the ms waited.
 * A wait for the absence of events can only be bounded this way.
 */
export async function settle(reader: EvdevReader, quietMs: number, maxMs: number): Promise<number> {
  const start = performance.now();
  let seen = reader.mark();
  let since = start;
  while (performance.now() - since < quietMs && performance.now() - start < maxMs) {
    await sleep(5);
    const now = reader.mark();
    if (now !== seen) {
      seen = now;
      since = performance.now();
    }
  }
  return Math.round(performance.now() - start);
}

/**
 * Plays `steps` window by window and matches what the host's evdev reader sees (matcher.ts).
 * Pacing is what keeps the reader's buffer from overflowing: the bridge's writer sends as fast as
 * the host polls (about 1 report/ms), and under TCG the guest's event loop can go tens of ms
 * without running the reader's timer, which is enough to overflow a 64-event buffer with
 * hundreds of reports in flight. A window whose events met SYN_DROPPED is sent again after
 * `reset` (evdev has no replay; Node has no ioctl for EVIOCGKEY, so the known state comes from
 * releasing everything); every drop stays counted in the result.
 */
export async function playPaced(steps: readonly PacedStep[], opts: PaceOptions): Promise<PacedResult> {
  const start = performance.now();
  const deadline = start + (opts.budgetMs ?? 120_000);
  const out: PacedResult = {
    steps: steps.length,
    ok: 0,
    failed: [],
    missing: [],
    lost: [],
    strays: [],
    refused: [],
    notRun: 0,
    windows: 0,
    replayed: [],
    synDropped: 0,
    stalled: 0,
    ms: 0,
    slowestWindowMs: 0,
  };
  // One read position across windows: an event arriving after its window ended is judged (as a
  // stray) by the next one instead of being skipped.
  const pos = { fed: opts.from ?? opts.reader.mark() };
  for (let first = 0; first < steps.length; first += opts.window) {
    if (performance.now() > deadline) {
      out.notRun = steps.length - first;
      break;
    }
    const win = steps.slice(first, first + opts.window);
    for (let attempt = 0; ; attempt++) {
      const w = await playWindow(win, opts, deadline, pos);
      out.windows++;
      out.synDropped += w.report.synDropped;
      out.slowestWindowMs = Math.max(out.slowestWindowMs, w.ms);
      if (w.report.synDropped > 0 && attempt < (opts.maxReplays ?? 2)) {
        out.replayed.push(`${win[0]!.label}..${win[win.length - 1]!.label}`);
        opts.reset();
        await settle(opts.reader, 200, 5000);
        pos.fed = opts.reader.mark(); // what the reset produced is not part of the window
        continue;
      }
      out.ok += w.report.okGroups;
      out.failed.push(...w.report.failedGroups);
      out.missing.push(...w.report.missing);
      out.lost.push(...w.report.lost);
      out.strays.push(...w.report.strays);
      out.refused.push(...w.refused);
      if (w.stalled) out.stalled++;
      break;
    }
  }
  // Events after the last window are strays too: a late duplicate, or input replayed.
  await settle(opts.reader, 200, 2000);
  const tail = new EventMatcher([], { watch: opts.watch, lookahead: 0 });
  tail.feed(opts.reader.since(pos.fed));
  const end = tail.finish();
  out.strays.push(...end.strays);
  out.synDropped += end.synDropped;
  out.ms = Math.round(performance.now() - start);
  return out;
}

async function playWindow(win: readonly PacedStep[], opts: PaceOptions, deadline: number, pos: { fed: number }) {
  const stallMs = opts.stallMs ?? 5000;
  const matcher = new EventMatcher(win, { watch: opts.watch, lookahead: win.length });
  const refused: string[] = [];
  const start = performance.now();
  for (const step of win) {
    const code = step.send();
    if (code) refused.push(`${step.label}: ${code}`);
  }
  let progressAt = start;
  let stalled = false;
  for (;;) {
    const fresh = opts.reader.since(pos.fed);
    pos.fed += fresh.length;
    const now = performance.now();
    if (matcher.feed(fresh) > 0) progressAt = now;
    if (matcher.complete) break;
    // After an overflow, whatever is still to come arrives at once; don't wait out stallMs for the lost.
    if (matcher.synDropped > 0 && now - progressAt > 300) break;
    if (now - progressAt > stallMs || now > deadline) {
      stalled = true;
      break;
    }
    await sleep(2);
  }
  return { report: matcher.finish(), refused, stalled, ms: Math.round(performance.now() - start) };
}
