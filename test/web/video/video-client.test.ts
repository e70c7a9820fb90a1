import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, openHarness, pixelDiff, startRig, stats, waitForStats, type Rig } from './setup.ts';

let rig: Rig;
let page: Page;
const send = (frames: { name: string; seq: number }[]) => page.evaluate((f) => window.video.send(f), frames);

/** Same picture: close everywhere on average, no grid point wildly off. */
async function expectPicture(name: string, width: number, height: number): Promise<void> {
  const d = await pixelDiff(page, name, width, height);
  expect(d.mean, `${name} ${JSON.stringify(d)}`).toBeLessThanOrEqual(4);
  expect(d.max, `${name} ${JSON.stringify(d)}`).toBeLessThanOrEqual(40);
}

describe('video worker and client in real Chromium', () => {
  beforeAll(async () => {
    rig = await startRig();
    page = rig.page;
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('paints frames at their size, transfers the buffer, and matches an <img> decode', async () => {
    await openHarness(page, rig.secureUrl);
    expect(await send([{ name: 'frame1.jpg', seq: 1 }])).toEqual([0]); // buffer moved to the worker, not copied
    let s = await waitForStats(page, (x) => x.framesPainted === 1);
    expect([s.width, s.height, s.lastSeq, s.decoder]).toEqual([640, 360, 1, 'ImageDecoder']);
    await expectPicture('frame1.jpg', 640, 360);

    await send([{ name: 'small.jpg', seq: 2 }]);
    s = await waitForStats(page, (x) => x.framesPainted === 2);
    expect([s.width, s.height, s.lastSeq]).toEqual([320, 240, 2]);
    await expectPicture('small.jpg', 320, 240);
  }, 30_000);

  it('a burst of 50 frames paints only a few, drops the stale ones, and the newest wins', async () => {
    await openHarness(page, rig.secureUrl);
    const burst = Array.from({ length: 50 }, (_, i) => ({ name: FIXTURES[i % 3]!, seq: i + 1 }));
    await send(burst);
    const s = await waitForStats(page, (x) => x.framesPainted + x.framesDropped + x.decodeErrors === 50);
    console.log(`burst of 50: painted ${s.framesPainted}, dropped ${s.framesDropped}`);
    expect([s.framesReceived, s.decodeErrors, s.lastSeq]).toEqual([50, 0, 50]);
    expect(s.framesDropped).toBeGreaterThan(0);
    expect(s.framesPainted).toBeLessThan(25);
    await expectPicture(burst[49]!.name, 640, 360);
  }, 30_000);

  it('a corrupt JPEG counts a decode error and the next good frame still paints', async () => {
    await openHarness(page, rig.secureUrl);
    await page.evaluate(() => window.video.sendCorrupt(1));
    let s = await waitForStats(page, (x) => x.decodeErrors === 1);
    expect(s.framesPainted).toBe(0);
    expect(s.lastError).not.toBe('');
    await send([{ name: 'frame2.jpg', seq: 2 }]);
    s = await waitForStats(page, (x) => x.framesPainted === 1);
    expect([s.lastSeq, s.decodeErrors, s.width, s.decoder]).toEqual([2, 1, 640, 'ImageDecoder']);
    await expectPicture('frame2.jpg', 640, 360);
  }, 30_000);

  it('reports decode-time and frame-age percentiles and paint fps', async () => {
    await openHarness(page, rig.secureUrl);
    for (let seq = 1; seq <= 12; seq++) {
      await send([{ name: FIXTURES[seq % 3]!, seq }]);
      await waitForStats(page, (x) => x.lastSeq === seq);
    }
    const s = await stats(page);
    console.log(`stats: ${JSON.stringify({ decodeMs: s.decodeMs, frameAgeMs: s.frameAgeMs, paintFps: s.paintFps })}`);
    expect(s.framesPainted).toBe(12);
    expect(s.decodeMs.p50).toBeGreaterThan(0);
    expect(s.decodeMs.p95).toBeGreaterThanOrEqual(s.decodeMs.p50);
    expect(s.decodeMs.max).toBeGreaterThanOrEqual(s.decodeMs.p95);
    expect(s.frameAgeMs.p50).toBeGreaterThan(0);
    expect(s.paintFps).toBeGreaterThan(0);
    expect(s.postErrors).toBe(0);
  }, 30_000);

  it('on plain http to a LAN name (no ImageDecoder) it decodes with createImageBitmap', async () => {
    await openHarness(page, rig.insecureUrl);
    expect(await page.evaluate(() => [isSecureContext, typeof ImageDecoder])).toEqual([false, 'undefined']);
    await page.evaluate(() => window.video.sendCorrupt(1));
    await send([{ name: 'frame3.jpg', seq: 2 }]);
    const s = await waitForStats(page, (x) => x.framesPainted === 1);
    expect([s.decoder, s.decodeErrors, s.lastSeq, s.width]).toEqual(['createImageBitmap', 1, 2, 640]);
    await expectPicture('frame3.jpg', 640, 360);
  }, 30_000);

  it('when ImageDecoder throws on a valid frame it falls back to createImageBitmap and stays there', async () => {
    await openHarness(page, rig.secureUrl);
    await send([{ name: 'frame1.jpg', seq: 1 }]);
    await waitForStats(page, (x) => x.decoder === 'ImageDecoder');
    // Break ImageDecoder inside the worker itself; the worker looks the global up on every decode.
    const worker = page.workers()[0]!;
    await worker.evaluate(() => {
      const g = globalThis as unknown as Record<string, unknown>;
      g.brokenCalls = 0;
      g.ImageDecoder = class {
        constructor() {
          (g.brokenCalls as number)++;
          throw new TypeError('simulated broken ImageDecoder');
        }
      };
    });
    await send([{ name: 'frame2.jpg', seq: 2 }]);
    let s = await waitForStats(page, (x) => x.lastSeq === 2);
    expect([s.decoder, s.decodeErrors]).toEqual(['createImageBitmap', 0]);
    expect(s.lastError).toMatch(/ImageDecoder failed a valid frame.*switched to createImageBitmap/);
    await send([{ name: 'frame3.jpg', seq: 3 }]);
    s = await waitForStats(page, (x) => x.lastSeq === 3);
    expect(s.decoder).toBe('createImageBitmap');
    expect(await worker.evaluate(() => (globalThis as unknown as { brokenCalls: number }).brokenCalls)).toBe(1);
    expect(rig.pageErrors).toEqual([]);
  }, 30_000);

  it('dispose() terminates the worker; later calls are harmless', async () => {
    await openHarness(page, rig.secureUrl);
    await send([{ name: 'frame1.jpg', seq: 1 }]);
    await waitForStats(page, (x) => x.framesPainted === 1);
    expect(page.workers()).toHaveLength(1);
    const closed = page.workers()[0]!.waitForEvent('close');
    const after = await page.evaluate(async () => {
      const pendingStats = window.video.client.stats(); // in flight across dispose: must still settle
      window.video.client.dispose();
      window.video.client.frame({ jpeg: new Uint8Array(8), seq: 2, timestamp: 0, sentAt: 0 });
      return [await pendingStats, await window.video.client.stats()];
    });
    await closed;
    expect((after[1] as { lastSeq: number }).lastSeq).toBe(-1);
  }, 30_000);
});
