import type { BatchEnd, BatchMsg, BatchProgress, HidDevice } from '../../../protocol/index.ts';

export interface BatchIo {
  /** Resolves true once the host took the report, false if it was dropped (device offline). */
  write(device: HidDevice, report: Uint8Array): Promise<boolean>;
  /** Aborted when the batch must stop; `signal.reason` (a string) says why. */
  signal: AbortSignal;
  onProgress(p: BatchProgress): void;
}

/** Minimum interval between progress messages, ms. */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * Longest run of back-to-back steps before the player yields to the event loop, ms. Writes that
 * succeed at once (a fast host, the sim's pty) resolve as microtasks, so without this a 50 000-step
 * batch with no delays held the event loop for about 2 s (video, pings and other clients stalled).
 */
export const MAX_SLICE_MS = 4;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Waits `ms`, or less if `signal` aborts first. Never rejects. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Resolves with `p`'s value, or with undefined as soon as `signal` aborts. */
function unlessAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    void p.then((v) => {
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    });
  });
}

const reasonOf = (signal: AbortSignal): string => (typeof signal.reason === 'string' ? signal.reason : 'cancelled');

/**
 * Plays a batch on the bridge's clock: each step's report is written (waiting out EAGAIN, so the
 * host's polling paces a fast batch), then the step's delay runs. Network jitter cannot stretch a
 * key press because no step waits on the network. An abort ends the current write wait or delay
 * at once (a cancel must not leave Shift held for a 10 s step). Releasing keys afterwards is the
 * caller's job.
 * @returns the batch-end message: 'done', 'cancelled' (with the reason) or 'failed' (device offline)
 */
export async function playBatch(batch: BatchMsg, io: BatchIo): Promise<BatchEnd> {
  const total = batch.steps.length;
  let sent = 0;
  let lastProgress = 0;
  const end = (outcome: BatchEnd['outcome'], reason = ''): BatchEnd => ({
    type: 'batch-end',
    id: batch.id,
    outcome,
    sent,
    reason,
  });
  let sliceStart = performance.now();
  for (const step of batch.steps) {
    if (performance.now() - sliceStart >= MAX_SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
    if (io.signal.aborted) return end('cancelled', reasonOf(io.signal));
    const written = await unlessAborted(io.write(step.device, step.report), io.signal);
    if (written === undefined) return end('cancelled', reasonOf(io.signal));
    if (!written) return end('failed', `${step.device} went offline`);
    sent++;
    const now = performance.now();
    if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
      lastProgress = now;
      io.onProgress({ type: 'batch-progress', id: batch.id, sent, total });
    }
    if (step.delayMs > 0) {
      await sleep(step.delayMs, io.signal);
      sliceStart = performance.now();
    }
  }
  if (io.signal.aborted) return end('cancelled', reasonOf(io.signal));
  io.onProgress({ type: 'batch-progress', id: batch.id, sent, total });
  return end('done');
}

/** Sum of a batch's step delays, ms. */
export function batchDurationMs(batch: BatchMsg): number {
  let ms = 0;
  for (const s of batch.steps) ms += s.delayMs;
  return ms;
}
