import { Counters } from '../../../bridge/src/counters.ts';
import { HidDeviceWriter } from '../../../bridge/src/hid/device.ts';
import type { BatchEnd, BatchStep } from '../../../protocol/index.ts';
import { keyboardReport } from '../../../protocol/reports.ts';
import { CLIENT, type RigContext } from './context.ts';
import { EV_KEY, type EvdevReader } from './evdev.ts';
import { EventMatcher, type MatchReport } from './matcher.ts';
import { settle } from './paced.ts';
import { sleep } from './util.ts';

const REPORTS = 500;
/** F24 (usage 0x73): a key nothing in the guest reacts to. */
const F24 = 0x73;
const KEY_F24 = 194;
/**
 * Reports not yet seen by the host's evdev reader. One key event each (plus MSC_SCAN and
 * SYN_REPORT): 16 × 3 = 48 of the keyboard's 64-event buffer. Large enough that the window is not
 * what limits the rate (the host takes about one report per ms).
 */
const WINDOW = 16;
/** Give up when the host has confirmed nothing new for this long, ms. */
const STALL_MS = 5000;
const report = (i: number) => keyboardReport({ modifiers: 0, keys: i % 2 === 0 ? [F24] : [] });

/** The host-side events report i must produce: F24 pressed on even i, released on odd. */
const expected = () =>
  Array.from({ length: REPORTS }, (_, i) => ({
    label: `report ${i}`,
    events: [{ type: EV_KEY, code: KEY_F24, value: i % 2 === 0 ? 1 : 0 }],
    ordered: true,
  }));

/**
 * Sends reports through `send` with at most WINDOW of them unconfirmed by the host's evdev
 * events (a sliding window), so the reader's buffer cannot overflow however fast the writer goes.
 * `send(from, to)` sends reports [from, to) and resolves when it may be called again; `to - from`
 * is a multiple of `multiple`. Returns the ms until the host confirmed the last report.
 */
async function pacedSend(reader: EvdevReader, multiple: number, send: (from: number, to: number) => Promise<void>) {
  const start = performance.now();
  const matcher = new EventMatcher(expected(), { watch: (e) => e.type === EV_KEY && e.value !== 2, lookahead: WINDOW });
  let fed = reader.mark();
  let sent = 0;
  let progressAt = performance.now();
  const feed = () => {
    const fresh = reader.since(fed);
    fed += fresh.length;
    if (matcher.feed(fresh) > 0) progressAt = performance.now();
  };
  while (!matcher.complete) {
    feed();
    const room = Math.floor((Math.min(REPORTS, matcher.resolvedGroups + WINDOW) - sent) / multiple) * multiple;
    if (room > 0) {
      await send(sent, sent + room);
      sent += room;
      continue;
    }
    if (performance.now() - progressAt > STALL_MS) break;
    await sleep(1);
  }
  const ms = performance.now() - start;
  await settle(reader, 100, 2000); // late extras are strays
  feed();
  return { sent, ms, host: summarise(matcher.finish()) };
}

const summarise = (r: MatchReport) => ({
  confirmed: r.matched,
  missing: r.missing.slice(0, 10),
  lost: r.lost.slice(0, 10),
  strays: r.strays.slice(0, 10),
  synDropped: r.synDropped,
});

/**
 * How fast the bridge's writer moves reports when the host takes one per poll interval (one IN
 * request in flight per f_hid function; EAGAIN until the host polls), confirmed report by report
 * on the host's evdev node. Two paths:
 * - `writer`: 500 reports on a HidDeviceWriter, timed until the host has seen the last;
 * - `batch`: the same through the relay as paste batches of up to WINDOW steps (each step awaits its
 *   write). A batch plays without yielding to the reader's timer for as long as the host keeps
 *   taking reports, so one 500-step batch could overflow the reader; batches of WINDOW cannot.
 * A benchmark, not an assertion: the numbers are printed (emulated USB, not a Pi).
 */
export async function checkThroughput(ctx: RigContext) {
  const reader = ctx.readers.keyboard;
  const counters = new Counters();
  let online = false;
  const writer = new HidDeviceWriter({
    name: 'keyboard',
    path: ctx.paths.keyboard,
    policy: 'ordered',
    counters,
    onOnline: (o) => {
      online = o;
    },
    log: (l) => ctx.log.push(`throughput: ${l}`),
  });
  let written = 0;
  const writes: Promise<void>[] = [];
  const w = await pacedSend(reader, 1, async (from, to) => {
    for (let i = from; i < to; i++) writes.push(writer.write(report(i)).then((ok) => void (ok && written++)));
  });
  await Promise.all(writes);
  writer.close();

  let batchSent = 0;
  const outcomes = new Set<string>();
  // Batches of whole press+release pairs: the relay releases all keys after each batch, and a
  // release between a press and its planned release would be an event the matcher does not expect.
  const b = await pacedSend(reader, 2, async (from, to) => {
    const steps: BatchStep[] = Array.from({ length: to - from }, (_, k) => ({
      device: 'keyboard',
      report: report(from + k),
      delayMs: 0,
    }));
    const end = await new Promise<BatchEnd>((resolve) => {
      const refused = ctx.relay.startBatch(CLIENT, { type: 'batch', id: from + 1, steps }, (m) => {
        if (m.type === 'batch-end') resolve(m);
      });
      if (refused) resolve({ type: 'batch-end', id: from + 1, outcome: 'failed', sent: 0, reason: refused.message });
    });
    batchSent += end.sent;
    outcomes.add(end.outcome);
  });
  return {
    window: WINDOW,
    writer: {
      reports: REPORTS,
      written,
      ms: Math.round(w.ms),
      perSecond: Math.round(w.host.confirmed / (w.ms / 1000)),
      eagain: counters.get('hid.keyboard.eagain'),
      wasOnline: online,
      host: w.host,
    },
    batch: {
      outcome: outcomes.size === 1 ? [...outcomes][0] : [...outcomes].join('+'),
      sent: batchSent,
      ms: Math.round(b.ms),
      perSecond: Math.round(b.host.confirmed / (b.ms / 1000)),
      host: b.host,
    },
    synDropped: w.host.synDropped + b.host.synDropped,
  };
}
