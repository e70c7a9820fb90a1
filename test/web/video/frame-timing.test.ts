/**
 * The worker's stage times and drop counters in real Chromium (issue 11 §1): stage times on the
 * bridge clock through setClockOffset, and one test per drop counter: skipped at the bridge,
 * replaced while pending, byte-identical repeats, drawn over before a display frame, decode errors.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimedFrame } from './harness/harness.ts';
import { FIXTURES, openHarness, startRig, stats, waitForStats, type Rig } from './setup.ts';

let rig: Rig;
let page: Page;
const sendTimed = (frames: TimedFrame[]) => page.evaluate((f) => window.video.sendTimed(f), frames);
const setOffset = (ms: number) => page.evaluate((o) => window.video.client.setClockOffset(o), ms);

describe('video worker frame timing and drop counters', () => {
  beforeAll(async () => {
    rig = await startRig();
    page = rig.page;
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('stamps every stage on the bridge clock and takes the age at paint from the capture time', async () => {
    await openHarness(page, rig.secureUrl);
    await setOffset(5000); // the bridge clock runs 5 s ahead of the page's
    await sendTimed([
      {
        name: 'frame1.jpg',
        seq: 1,
        captureAgoMs: 100,
        receivedAgoMs: 90,
        sentAgoMs: 80,
        offsetMs: 5000,
        grabMs: 7,
        encodeMs: 9,
      },
    ]);
    const s = await waitForStats(page, (x) => x.last !== null);
    const t = s.last!;
    console.log(`stages: ${JSON.stringify(s.stagesMs)}`);
    expect(s.clockOffsetMs).toBe(5000);
    expect(t.seq).toBe(1);
    expect(t.captureSource).toBe(1);
    expect(t.bridgeReceivedAt - t.captureAt).toBeCloseTo(10, 6);
    expect(t.bridgeSentAt - t.bridgeReceivedAt).toBeCloseTo(10, 6);
    // Sent 80 ms "ago" on the bridge clock: arrival is 80 ms plus the page's own few ms later,
    // which only holds if the worker added the offset to its page-clock stamps.
    expect(t.pageReceivedAt - t.bridgeSentAt).toBeGreaterThanOrEqual(80);
    expect(t.pageReceivedAt - t.bridgeSentAt).toBeLessThan(80 + 1000);
    expect(t.decodeStartAt).toBeGreaterThanOrEqual(t.pageReceivedAt);
    expect(t.decodeEndAt).toBeGreaterThan(t.decodeStartAt);
    expect(t.drawnAt).toBeGreaterThanOrEqual(t.decodeEndAt);
    expect(t.paintedAt).toBeGreaterThanOrEqual(t.drawnAt); // the next animation frame after the draw
    expect(t.paintedAt - t.drawnAt).toBeLessThan(1000);
    expect(t.ageAtPaintMs).toBeCloseTo(t.paintedAt - t.captureAt, 6);
    expect(t.ageAtPaintMs).toBeGreaterThan(100);
    expect(s.ageAtPaintMs.p50).toBeCloseTo(t.ageAtPaintMs, 6);
    expect(s.stagesMs.grab!.p50).toBe(7);
    expect(s.stagesMs.encode!.p50).toBe(9);
    expect(s.stagesMs.toBridge!.p50).toBeCloseTo(10, 6);
    expect(s.stagesMs.decode!.p50).toBeGreaterThan(0);
    // The page's old figure (arrival to paint) is the age minus the source, bridge and network part.
    expect(s.frameAgeMs.p50).toBeCloseTo(t.paintedAt - t.pageReceivedAt, 6);
  }, 30_000);

  it('sums the frames skipped at the bridge (wire `skipped`)', async () => {
    await openHarness(page, rig.secureUrl);
    for (const [seq, skipped, name] of [
      [1, 2, 'frame1.jpg'],
      [4, 0, 'frame2.jpg'],
      [5, 3, 'frame3.jpg'],
    ] as const) {
      await sendTimed([{ name, seq, skipped }]);
      await waitForStats(page, (x) => x.lastSeq === seq);
    }
    const s = await stats(page);
    expect([s.framesSkippedAtBridge, s.framesReceived, s.framesPainted]).toEqual([5, 3, 3]);
  }, 30_000);

  it('counts frames replaced while pending, and every frame ends painted, repeated, dropped or failed', async () => {
    await openHarness(page, rig.secureUrl);
    await sendTimed(Array.from({ length: 30 }, (_, i) => ({ name: FIXTURES[i % 3]!, seq: i + 1 })));
    const s = await waitForStats(page, (x) => x.lastSeq === 30);
    expect(s.framesDropped).toBeGreaterThan(0);
    expect(s.framesPainted + s.framesRepeated + s.framesDropped + s.decodeErrors).toBe(30);
    expect(s.framesReceived).toBe(30);
  }, 30_000);

  it('does not decode a byte-identical repeat, and distinct painted fps does not count it', async () => {
    await openHarness(page, rig.secureUrl);
    await sendTimed([{ name: 'frame1.jpg', seq: 1 }]);
    await waitForStats(page, (x) => x.lastSeq === 1 && x.last !== null);
    await sendTimed([{ name: 'frame1.jpg', seq: 2 }]); // same bytes, a new message buffer
    let s = await waitForStats(page, (x) => x.lastSeq === 2);
    expect([s.framesPainted, s.framesRepeated, s.distinctPaintFps, s.paintFps]).toEqual([1, 1, 1, 2]);
    expect(s.last!.seq).toBe(1); // the picture on the canvas is still frame 1's
    await sendTimed([{ name: 'frame2.jpg', seq: 3 }]);
    s = await waitForStats(page, (x) => x.lastSeq === 3);
    expect([s.framesPainted, s.framesRepeated]).toEqual([2, 1]);
  }, 30_000);

  it('counts a frame drawn over by the next one before any display frame showed it', async () => {
    await openHarness(page, rig.secureUrl);
    // Two small decodes back to back usually land inside one 16.7 ms display frame; try a few times.
    let s = await stats(page);
    for (let i = 0; i < 40 && s.framesOverdrawn === 0; i++) {
      await sendTimed([
        { name: 'small.jpg', seq: 2 * i + 1 },
        { name: FIXTURES[i % 3]!, seq: 2 * i + 2 },
      ]);
      s = await waitForStats(page, (x) => x.lastSeq === 2 * i + 2 && x.last?.seq === 2 * i + 2);
    }
    expect(s.framesOverdrawn).toBeGreaterThan(0);
    expect(s.framesOverdrawn).toBeLessThanOrEqual(s.framesPainted);
  }, 60_000);

  it('counts a corrupt JPEG as a decode error', async () => {
    await openHarness(page, rig.secureUrl);
    await page.evaluate(() => window.video.sendCorrupt(1));
    const s = await waitForStats(page, (x) => x.decodeErrors === 1);
    expect([s.framesPainted, s.framesReceived]).toEqual([0, 1]);
  }, 30_000);

  it('screenshot() gives the last painted frame as a PNG at the video size, and no-frame before one', async () => {
    await openHarness(page, rig.secureUrl);
    const early = await page.evaluate(() =>
      window.video.client.screenshot().then(
        () => 'resolved',
        (e: Error & { code?: string }) => `${e.name} ${e.code}`,
      ),
    );
    expect(early).toBe('VideoError no-frame');
    await sendTimed([{ name: 'frame2.jpg', seq: 1 }]);
    await waitForStats(page, (x) => x.framesPainted === 1);
    expect(await page.evaluate(() => window.video.screenshot())).toMatchObject({
      type: 'image/png',
      width: 640,
      height: 360,
    });
  }, 30_000);
});
