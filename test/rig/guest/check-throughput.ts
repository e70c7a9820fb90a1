import { Counters } from '../../../bridge/src/counters.ts';
import { HidDeviceWriter } from '../../../bridge/src/hid/device.ts';
import type { BatchEnd, BatchStep } from '../../../protocol/index.ts';
import { keyboardReport } from '../../../protocol/reports.ts';
import { CLIENT, type RigContext } from './context.ts';

const REPORTS = 500;
/** F24 (usage 0x73): a key nothing in the guest reacts to. */
const F24 = 0x73;
const report = (i: number) => keyboardReport({ modifiers: 0, keys: i % 2 === 0 ? [F24] : [] });

/**
 * How fast the bridge's writer moves reports when the host takes one per poll interval (one IN
 * request in flight per f_hid function; EAGAIN until the host polls). Two paths:
 * - `writer`: 500 reports queued back to back on a HidDeviceWriter, timed until the last resolves;
 * - `batch`: a 500-step paste batch through the relay (each step awaits its write).
 * A benchmark, not an assertion: the numbers are printed (emulated USB, not a Pi).
 */
export async function checkThroughput(ctx: RigContext) {
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
  const start = performance.now();
  const writes = Array.from({ length: REPORTS }, (_, i) => writer.write(report(i)));
  const results = await Promise.all(writes);
  const writerMs = performance.now() - start;
  writer.close();

  const steps: BatchStep[] = Array.from({ length: REPORTS }, (_, i) => ({
    device: 'keyboard',
    report: report(i),
    delayMs: 0,
  }));
  const batchStart = performance.now();
  const end = await new Promise<BatchEnd>((resolve) => {
    const refused = ctx.relay.startBatch(CLIENT, { type: 'batch', id: 1, steps }, (m) => {
      if (m.type === 'batch-end') resolve(m);
    });
    if (refused) resolve({ type: 'batch-end', id: 1, outcome: 'failed', sent: 0, reason: refused });
  });
  const batchMs = performance.now() - batchStart;
  ctx.readers.keyboard.clear();
  return {
    writer: {
      reports: REPORTS,
      written: results.filter(Boolean).length,
      ms: Math.round(writerMs),
      perSecond: Math.round(REPORTS / (writerMs / 1000)),
      eagain: counters.get('hid.keyboard.eagain'),
      wasOnline: online,
    },
    batch: {
      outcome: end.outcome,
      sent: end.sent,
      ms: Math.round(batchMs),
      perSecond: Math.round(end.sent / (batchMs / 1000)),
    },
  };
}
