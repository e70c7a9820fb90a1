import { afterEach, describe, expect, it } from 'vitest';
import { startVideoSource, type VideoSource } from '../../../bridge/src/video/source.ts';
import { recorder, waitFor } from './helpers.ts';

const ffmpeg = (...args: string[]) => ['ffmpeg', '-hide_banner', '-loglevel', 'error', '-nostdin', ...args];
const fast = { backoffMs: { initial: 20, max: 100 }, noSignalAfterMs: 1_000 };
let source: VideoSource | undefined;
afterEach(() => source?.stop());

describe('command video source', () => {
  it('reads 320x240 frames at about 10 fps from real ffmpeg -f mpjpeg', async () => {
    const r = recorder();
    const argv = ffmpeg('-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-f', 'mpjpeg', '-');
    source = startVideoSource({ kind: 'command', argv }, r.handlers, fast);
    await waitFor('an fps measurement', () => r.signals.some((s) => s.fps > 0), 8_000);
    expect(r.signals[0]).toEqual({ present: true, width: 320, height: 240, fps: 0 });
    const fps = r.signals.find((s) => s.fps > 0)!.fps;
    expect(fps).toBeGreaterThan(7);
    expect(fps).toBeLessThan(13);
    expect(r.frames.length).toBeGreaterThanOrEqual(10);
    expect(r.frames.map((f) => f.seq)).toEqual(r.frames.map((_f, i) => i + 1));
    expect(r.frames.every((f) => f.width === 320 && f.height === 240 && f.jpeg[0] === 0xff && f.jpeg[1] === 0xd8)).toBe(
      true,
    );
    // ffmpeg sends no X-Timestamp: the source time is the receive time.
    expect(r.frames.every((f) => f.timestamp === f.receivedAt)).toBe(true);
    expect(source.stats()).toMatchObject({ badParts: 0, reconnects: 0, connected: true });
  });

  it('restarts a command that exits, with the loss reported once per outage', async () => {
    const r = recorder();
    const argv = ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-frames:v', '3', '-f', 'mpjpeg', '-');
    source = startVideoSource({ kind: 'command', argv }, r.handlers, fast);
    await waitFor(
      'two restarts and frames from the third run',
      () => source!.stats().reconnects >= 2 && r.frames.length >= 7,
    );
    expect(r.frames.map((f) => f.seq).slice(0, 7)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const lost = r.signals.filter((s) => !s.present);
    expect(lost.length).toBeGreaterThanOrEqual(2);
    expect(lost[0]!.reason).toBe('process-exited: ffmpeg exited with code 0');
    // Each outage is one present:false followed by one present:true.
    const kinds = r.signals.map((s) => s.present);
    expect(kinds.slice(0, 4)).toEqual([true, false, true, false]);
  });

  it('passes stderr lines to the log and names the exit code', async () => {
    const r = recorder();
    const argv = [process.execPath, '-e', 'console.error("first\\nsecond"); process.exit(3)'];
    source = startVideoSource({ kind: 'command', argv }, r.handlers, fast);
    await waitFor('present:false', () => r.signals.length > 0);
    await waitFor('the stderr lines', () => r.logs.some((l) => l.endsWith(': second')));
    expect(r.logs.some((l) => l.endsWith(': first'))).toBe(true);
    expect(r.signals[0]!.reason).toMatch(/^process-exited: .* code 3$/);
  });

  it.each([
    ['a program that does not exist', ['/nonexistent/video-grabber'], /^connect-failed: .*ENOENT/],
    ['an empty argv', [], /^bad-config: /],
  ])('reports %s as no signal without throwing', async (_name, argv, reason) => {
    const r = recorder();
    source = startVideoSource({ kind: 'command', argv }, r.handlers, fast);
    await waitFor('a retry', () => source!.stats().reconnects >= 1);
    expect(r.signals).toEqual([expect.objectContaining({ present: false, reason: expect.stringMatching(reason) })]);
  });

  it('kills the child on stop() and calls no handler afterwards', async () => {
    const r = recorder();
    const argv = ffmpeg('-re', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25', '-f', 'mpjpeg', '-');
    source = startVideoSource({ kind: 'command', argv }, r.handlers, fast);
    await waitFor('frames', () => r.frames.length >= 3);
    source.stop();
    const calls = r.rec.calls;
    await new Promise((res) => setTimeout(res, 200));
    expect(r.rec.calls).toBe(calls);
    expect(source.stats().connected).toBe(false);
  });
});
