import { execFileSync } from 'node:child_process';
import type { VideoFrame, VideoSignal, VideoSourceHandlers } from '../../../bridge/src/video/source.ts';

/** A baseline JPEG of the given size from ffmpeg's test source. */
export function makeJpeg(size: string): Buffer {
  return execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${size}`,
    '-frames:v',
    '1',
    '-f',
    'mjpeg',
    '-',
  ]);
}

/** Handlers that record everything, plus the time of the last call (to check silence after stop()). */
export function recorder() {
  const frames: VideoFrame[] = [];
  const signals: VideoSignal[] = [];
  const logs: string[] = [];
  const rec = { frames, signals, logs, calls: 0 };
  const handlers: VideoSourceHandlers = {
    onFrame: (f) => void (rec.calls++, frames.push(f)),
    onSignal: (s) => void (rec.calls++, signals.push(s)),
    log: (l) => void (rec.calls++, logs.push(l)),
  };
  return { ...rec, handlers, rec };
}

/** Polls `check` every 10 ms until it is truthy; fails with `what` after `ms`. */
export async function waitFor(what: string, check: () => unknown, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
