/**
 * Shared rig for the video tests: a vite dev server on the harness directory (fixtures as its
 * public dir) and one headless Chromium. The same server is reachable two ways:
 * - `secureUrl`, http://127.0.0.1:port/, a secure context, where WebCodecs ImageDecoder exists;
 * - `insecureUrl`, http://kvm.test:port/ (mapped to 127.0.0.1 by a Chromium host rule), plain
 *   http on a non-localhost name like a KVM on a LAN address, where ImageDecoder (SecureContext
 *   only) is absent and the worker must use createImageBitmap.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';

/** The VideoStats fields the tests read (web/src/video/api.ts is the source of truth). */
export interface Stats {
  transport: string;
  framesReceived: number;
  framesPainted: number;
  framesRepeated: number;
  framesDropped: number;
  framesOverdrawn: number;
  framesSkippedAtBridge: number;
  receivedFps: number;
  bytesPerSecond: number;
  bytesReceived: number;
  distinctPaintFps: number;
  clockOffsetMs: number;
  ageAtPaintMs: { p50: number; p95: number; max: number };
  stagesMs: Record<string, { p50: number; p95: number }>;
  last: {
    seq: number;
    captureSource: number;
    captureAt: number;
    bridgeReceivedAt: number;
    bridgeSentAt: number;
    pageReceivedAt: number;
    decodeStartAt: number;
    decodeEndAt: number;
    drawnAt: number;
    paintedAt: number;
    ageAtPaintMs: number;
  } | null;
  decodeErrors: number;
  lastError: string;
  decoder: string;
  width: number;
  height: number;
  paintFps: number;
  lastSeq: number;
  postErrors: number;
  decodeMs: { p50: number; p95: number; max: number };
  frameAgeMs: { p50: number; p95: number };
}

export const FIXTURES = ['frame1.jpg', 'frame2.jpg', 'frame3.jpg', 'small.jpg'];
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--host-resolver-rules=MAP kvm.test 127.0.0.1',
];

export interface Rig {
  page: Page;
  secureUrl: string;
  insecureUrl: string;
  pageErrors: string[];
  close(): Promise<void>;
}

export async function startRig(): Promise<Rig> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'kvm-video-vite-'));
  let server: ViteDevServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    rmSync(cacheDir, { recursive: true, force: true });
  };
  try {
    server = await createServer({
      configFile: false,
      root: join(here, 'harness'),
      publicDir: join(repo, 'test/fixtures/video'),
      cacheDir,
      logLevel: 'error',
      // Pre-bundle comlink at startup so vite doesn't discover it mid-test and reload the page.
      optimizeDeps: { include: ['comlink'] },
      server: {
        port: 0,
        host: '127.0.0.1',
        allowedHosts: ['kvm.test'],
        fs: { allow: [repo, cacheDir] },
        hmr: false,
        watch: null,
      },
    });
    await server.listen();
    const secureUrl = server.resolvedUrls!.local[0]!;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') pageErrors.push(m.text());
    });
    return { page, secureUrl, insecureUrl: secureUrl.replace('127.0.0.1', 'kvm.test'), pageErrors, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** A fresh page: new client, new worker, zeroed stats, fixtures fetched. */
export async function openHarness(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => window.video !== undefined);
  await page.evaluate((names) => window.video.load(names), FIXTURES);
}

export const stats = (page: Page) => page.evaluate(() => window.video.client.stats() as Promise<Stats>);

export async function waitForStats(page: Page, pred: (s: Stats) => boolean, timeoutMs = 10_000): Promise<Stats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await stats(page);
    if (pred(s)) return s;
    if (Date.now() > deadline) throw new Error(`stats never matched: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Canvas vs an <img> decode of `name` on an 8×6 grid: mean and worst per-channel RGB difference.
 * Not exact: the worker's decoder and <img> upsample JPEG chroma differently, a few levels off
 * on average and up to ~20 right on sharp colour edges (testsrc2's bars).
 */
export async function pixelDiff(
  page: Page,
  name: string,
  width: number,
  height: number,
): Promise<{ mean: number; max: number }> {
  const points: [number, number][] = [];
  for (let gy = 0; gy < 6; gy++)
    for (let gx = 0; gx < 8; gx++)
      points.push([Math.floor(((gx + 0.5) * width) / 8), Math.floor(((gy + 0.5) * height) / 6)]);
  const [got, want] = await Promise.all([
    page.evaluate((p) => window.video.sample(p), points),
    page.evaluate(([n, p]) => window.video.reference(n, p), [name, points] as const),
  ]);
  const d = got.map((px, i) => Math.max(...[0, 1, 2].map((c) => Math.abs(px[c]! - want[i]![c]!))));
  return { mean: d.reduce((a, b) => a + b, 0) / d.length, max: Math.max(...d) };
}
