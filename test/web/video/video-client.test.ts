import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The VideoStats fields these tests read (web/src/video/api.ts is the source of truth). */
interface Stats {
  framesReceived: number; framesPainted: number; framesDropped: number; decodeErrors: number; lastError: string;
  decoder: string; width: number; height: number; paintFps: number; lastSeq: number; postErrors: number;
  decodeMs: { p50: number; p95: number; max: number }; frameAgeMs: { p50: number; p95: number };
}

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const FIXTURES = ['frame1.jpg', 'frame2.jpg', 'frame3.jpg', 'small.jpg'];
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let server: ViteDevServer;
let browser: Browser;
let page: Page;
let url: string;
let cacheDir: string;
const pageErrors: string[] = [];

/** A fresh page: new client, new worker, zeroed stats, fixtures fetched. */
async function freshPage(): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => window.video !== undefined);
  await page.evaluate((names) => window.video.load(names), FIXTURES);
}

const stats = () => page.evaluate(() => window.video.client.stats() as Promise<Stats>);

async function waitForStats(pred: (s: Stats) => boolean, timeoutMs = 10_000): Promise<Stats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await stats();
    if (pred(s)) return s;
    if (Date.now() > deadline) throw new Error(`stats never matched: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Canvas vs an <img> decode of `name` on an 8×6 grid: mean and worst per-channel RGB difference.
 * Not exact: Chromium's ImageDecoder may hand back a YUV VideoFrame converted at draw time, which
 * differs from <img>'s RGB decode by a few levels, and by up to ~20 right on sharp chroma edges.
 */
async function pixelDiff(name: string, width: number, height: number): Promise<{ mean: number; max: number }> {
  const points: [number, number][] = [];
  for (let gy = 0; gy < 6; gy++) for (let gx = 0; gx < 8; gx++) points.push([Math.floor(((gx + 0.5) * width) / 8), Math.floor(((gy + 0.5) * height) / 6)]);
  const [got, want] = await Promise.all([
    page.evaluate((p) => window.video.sample(p), points),
    page.evaluate(([n, p]) => window.video.reference(n, p), [name, points] as const),
  ]);
  const d = got.map((px, i) => Math.max(...[0, 1, 2].map((c) => Math.abs(px[c]! - want[i]![c]!))));
  return { mean: d.reduce((a, b) => a + b, 0) / d.length, max: Math.max(...d) };
}

/** Same picture: close everywhere on average, no grid point wildly off. */
async function expectPicture(name: string, width: number, height: number): Promise<void> {
  const d = await pixelDiff(name, width, height);
  expect(d.mean, `${name} ${JSON.stringify(d)}`).toBeLessThanOrEqual(4);
  expect(d.max, `${name} ${JSON.stringify(d)}`).toBeLessThanOrEqual(40);
}

describe('video worker in real Chromium', () => {
  beforeAll(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'kvm-video-vite-'));
    server = await createServer({
      configFile: false, root: join(here, 'harness'), publicDir: join(repo, 'test/fixtures/video'), cacheDir, logLevel: 'error',
      // Pre-bundle comlink at startup so vite doesn't discover it mid-test and reload the page.
      optimizeDeps: { include: ['comlink'] },
      server: { port: 0, host: '127.0.0.1', fs: { allow: [repo, cacheDir] }, hmr: false, watch: null },
    });
    await server.listen();
    url = server.resolvedUrls!.local[0]!;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') pageErrors.push(m.text()); });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  it('paints frames at their size, transfers the buffer, and matches an <img> decode', async () => {
    await freshPage();
    const left = await page.evaluate(() => window.video.send([{ name: 'frame1.jpg', seq: 1 }]));
    expect(left).toEqual([0]); // the message buffer moved to the worker, not copied
    let s = await waitForStats((x) => x.framesPainted === 1);
    expect([s.width, s.height, s.lastSeq]).toEqual([640, 360, 1]);
    expect(['ImageDecoder', 'createImageBitmap']).toContain(s.decoder);
    await expectPicture('frame1.jpg', 640, 360);

    await page.evaluate(() => window.video.send([{ name: 'small.jpg', seq: 2 }]));
    s = await waitForStats((x) => x.framesPainted === 2);
    expect([s.width, s.height, s.lastSeq]).toEqual([320, 240, 2]);
    await expectPicture('small.jpg', 320, 240);
    console.log(`decoder=${s.decoder} decodeMs=${JSON.stringify(s.decodeMs)}`);
  }, 30_000);

  it('a burst of 50 frames paints only a few, drops the stale ones, and the newest wins', async () => {
    await freshPage();
    const burst = Array.from({ length: 50 }, (_, i) => ({ name: FIXTURES[i % 3]!, seq: i + 1 }));
    await page.evaluate((b) => window.video.send(b), burst);
    const s = await waitForStats((x) => x.framesPainted + x.framesDropped + x.decodeErrors === 50);
    console.log(`burst: painted=${s.framesPainted} dropped=${s.framesDropped}`);
    expect(s.framesReceived).toBe(50);
    expect(s.decodeErrors).toBe(0);
    expect(s.framesDropped).toBeGreaterThan(0);
    expect(s.framesPainted).toBeLessThan(25);
    expect(s.lastSeq).toBe(50);
    await expectPicture(burst[49]!.name, 640, 360);
  }, 30_000);

  it('a corrupt JPEG counts a decode error and the next good frame still paints', async () => {
    await freshPage();
    await page.evaluate(() => window.video.sendCorrupt(1));
    let s = await waitForStats((x) => x.decodeErrors === 1);
    expect(s.framesPainted).toBe(0);
    expect(s.lastError).not.toBe('');
    console.log(`corrupt: lastError=${s.lastError}`);
    await page.evaluate(() => window.video.send([{ name: 'frame2.jpg', seq: 2 }]));
    s = await waitForStats((x) => x.framesPainted === 1);
    expect([s.lastSeq, s.decodeErrors, s.width]).toEqual([2, 1, 640]);
    await expectPicture('frame2.jpg', 640, 360);
  }, 30_000);

  it('reports decode-time and frame-age percentiles and paint fps', async () => {
    await freshPage();
    for (let seq = 1; seq <= 12; seq++) {
      await page.evaluate((q) => window.video.send([{ name: `frame${(q % 3) + 1}.jpg`, seq: q }]), seq);
      await waitForStats((x) => x.lastSeq === seq);
    }
    const s = await stats();
    console.log(`stats: ${JSON.stringify({ decoder: s.decoder, decodeMs: s.decodeMs, frameAgeMs: s.frameAgeMs, paintFps: s.paintFps })}`);
    expect(s.framesPainted).toBe(12);
    expect(s.decodeMs.p50).toBeGreaterThan(0);
    expect(s.decodeMs.p95).toBeGreaterThanOrEqual(s.decodeMs.p50);
    expect(s.decodeMs.max).toBeGreaterThanOrEqual(s.decodeMs.p95);
    expect(s.frameAgeMs.p50).toBeGreaterThan(0);
    expect(s.paintFps).toBeGreaterThan(0);
    expect(s.postErrors).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
