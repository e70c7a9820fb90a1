/**
 * Plays a compiled macro on the bridge as protocol batches, one after the other (the way
 * paste.ts plays long text), with progress and Cancel. The bridge writes every report on its own
 * clock and releases every key and button at the end of each batch and on Cancel; batches are cut
 * only where nothing is held (compile.ts `batchesOf`), so those releases never cut a chord.
 */
import { MAX_BATCH_STEPS, type BatchStep } from '../../../../protocol/index.ts';
import type { PasteOutcome, PasteSink } from '../paste.ts';
import { batchesOf, type Compiled } from './compile.ts';
import { MacroError } from './errors.ts';
import type { Repeat } from './model.ts';

export interface MacroProgress {
  /** Reports written so far, over all batches. */
  sent: number;
  /** Reports in the whole run, or null when it loops until stopped. */
  total: number | null;
  /** Iterations finished (whole ones). */
  iterations: number;
}

export type MacroOutcome = PasteOutcome;

/** How long a cancel waits for the bridge's batch-end before the page gives up on it, ms. */
export const CANCEL_ANSWER_MS = 3000;

let nextId = ((Date.now() & 0xffff) << 8) | 0x80;

/**
 * Starts playing `repeat` iterations of `c` through `sink` (the session). Resolves at the end of
 * the last batch, or at the first cancel or failure ('failed' with the bridge's reason, or 'not
 * connected to the KVM' when the batch could not be sent).
 */
export function playMacro(
  sink: PasteSink,
  c: Compiled,
  repeat: Repeat,
  onProgress: (p: MacroProgress) => void,
  maxSteps = MAX_BATCH_STEPS,
): { done: Promise<MacroOutcome>; cancel(): void } {
  const per = c.steps.length;
  const total = repeat === 'until-stopped' ? null : per * repeat;
  // Lazy: the generator's checks run (and may throw) at the first next().
  const batches: Iterator<BatchStep[]> = batchesOf(c, repeat, maxSteps);
  let resolve!: (o: MacroOutcome) => void;
  const done = new Promise<MacroOutcome>((r) => (resolve = r));
  let current = -1;
  let base = 0;
  let cancelled = false;
  let finished = false;
  const progress = (sent: number): void => onProgress({ sent, total, iterations: Math.floor(sent / per) });
  const finish = (o: MacroOutcome): void => {
    if (finished) return;
    finished = true;
    unsubscribe();
    resolve(o);
  };
  const next = (): void => {
    let r: IteratorResult<BatchStep[]>;
    try {
      r = batches.next();
    } catch (e) {
      const reason = e instanceof MacroError ? e.message : String(e);
      return finish({ outcome: 'failed', sent: base, reason });
    }
    if (r.done) return finish({ outcome: 'done', sent: base, reason: '' });
    current = nextId = (nextId + 1) >>> 0;
    if (!sink.send({ type: 'batch', id: current, steps: r.value }))
      finish({ outcome: 'failed', sent: base, reason: 'not connected to the KVM' });
  };
  const unsubscribe = sink.onBatch((m) => {
    if (m.id !== current || finished) return;
    if (m.type === 'batch-progress') return progress(base + m.sent);
    if (m.outcome !== 'done' || cancelled)
      return finish({ outcome: cancelled ? 'cancelled' : m.outcome, sent: base + m.sent, reason: m.reason });
    base += m.sent;
    progress(base);
    next();
  });
  next();
  return {
    done,
    cancel() {
      if (finished) return;
      cancelled = true;
      if (!sink.send({ type: 'batch-cancel', id: current }))
        return finish({ outcome: 'cancelled', sent: base, reason: 'not connected' });
      // A batch the bridge refused (busy) never ends: do not stay "playing" for ever.
      setTimeout(
        () => finish({ outcome: 'cancelled', sent: base, reason: 'no answer from the bridge' }),
        CANCEL_ANSWER_MS,
      );
    },
  };
}
