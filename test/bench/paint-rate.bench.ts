/**
 * The 9-fps question (issue 11): when does the page paint fewer frames than arrive? The PWA at
 * 1280x720 30 fps (npm start's size) in one condition after another, with the PWA's own counters
 * (kvm.stats(): frames reaching the worker, painted, distinct painted, decode ms) next to the
 * source fps from video-status and, where the window is on screen, the paints read off the X
 * screen with the pixel clock:
 * - headful, visible (a window on its own Xvfb display);
 * - headful, another window brought up over it (Playwright's Chromium switches keep the page
 *   'visible' and unthrottled, so this is occlusion without backgrounding; the line says which);
 * - headless (as the e2e tests run it);
 * - headful, visible, with two CPU hogs beside it for the length of the case (a busy 2-core machine);
 * - headful, visible, 1920x1080;
 * - headful, visible, 1280x720 with the sim's encoder as it was before 4d0737b (frame-threaded,
 *   constant frame rate with repeats), i.e. a plain `npm start` when the 9 fps was seen.
 * `npm run bench:paint-rate [-- --short]`; BENCH_SECONDS per case.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Page } from 'playwright-core';
import { launchChromium } from '../e2e/harness.ts';
import { DISPLAYS, openPwa, prepare, run, SHORT, sleep, summarize } from './lib/common.ts';
import { watchClock } from './lib/screen-clock.ts';
import { startBenchStack, type BenchStack } from './lib/stack.ts';
import { f1, startNoiseProbe } from './lib/stats.ts';
import { locateCanvasStrip, startViewer, type Viewer } from './lib/viewer.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? (SHORT ? 4 : 12));

interface Counters {
  framesReceived: number;
  framesPainted: number;
  framesRepeated?: number;
  framesDropped?: number;
  framesOverdrawn?: number;
  decodeMs: { p50: number; p95: number };
}

type Kvm = { kvm: { stats(): Promise<Counters>; connection(): { video?: { fps?: number } } } };
const counters = (p: Page) => p.evaluate(() => (window as unknown as Kvm).kvm.stats());
const sourceFps = (p: Page) => p.evaluate(() => (window as unknown as Kvm).kvm.connection().video?.fps ?? Number.NaN);
const visibility = (p: Page) => p.evaluate(() => document.visibilityState);

async function measure(name: string, page: Page, onScreen?: Viewer, size = { w: 1280, h: 720 }): Promise<void> {
  await sleep(1500);
  const watch = onScreen ? watchClock(onScreen.screen, await locateCanvasStrip(onScreen, size.w, size.h)) : undefined;
  const c0 = await counters(page);
  const from = Date.now();
  await sleep(SECONDS * 1000);
  const to = Date.now();
  const c1 = await counters(page);
  await watch?.stop();
  const secs = (to - from) / 1000;
  const rate = (k: 'framesReceived' | 'framesPainted' | 'framesRepeated' | 'framesDropped' | 'framesOverdrawn') =>
    ((c1[k] ?? 0) - (c0[k] ?? 0)) / secs;
  const screen = watch ? `, on screen ${f1(summarize(watch.paints, from, to).fps)}` : '';
  console.log(
    `${name}: source ${f1(await sourceFps(page))} fps, reached the worker ${f1(rate('framesReceived'))}, ` +
      `painted ${f1(rate('framesPainted'))} (+${f1(rate('framesRepeated'))} repeats; replaced while pending ` +
      `${f1(rate('framesDropped'))}, drawn over ${f1(rate('framesOverdrawn'))})${screen}; ` +
      `decode p50 ${f1(c1.decodeMs.p50)} p95 ${f1(c1.decodeMs.p95)} ms; visibility ${await visibility(page)}`,
  );
}

async function withStack<T>(
  w: number,
  h: number,
  fn: (s: BenchStack) => Promise<T>,
  legacyEncoder = false,
): Promise<T> {
  const s = await startBenchStack({ display: DISPLAYS.target, width: w, height: h, fps: 30, legacyEncoder });
  try {
    return await fn(s);
  } finally {
    await s.stop();
  }
}

run(async () => {
  await prepare();
  const noise = startNoiseProbe();
  await withStack(1280, 720, async (stack) => {
    const base = `http://127.0.0.1:${stack.port}`;
    const v = await startViewer({ display: DISPLAYS.a, width: 1280, height: 880 });
    try {
      await openPwa(v.page, base, await stack.login(), '', v.logs);
      await measure('headful visible', v.page, v);
      const other = await v.page.context().newPage();
      await other.goto('about:blank');
      await other.bringToFront();
      await measure('headful, another window over it', v.page);
      await other.close();
      await v.page.bringToFront();
      const hogs: ChildProcess[] = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' }));
      try {
        await measure('headful visible, 2 CPU hogs beside it', v.page, v);
      } finally {
        hogs.forEach((h) => h.kill('SIGKILL'));
      }
    } finally {
      await v.stop();
    }
    const b = await launchChromium();
    try {
      const p = await b.newPage({ viewport: { width: 1280, height: 800 } });
      await openPwa(p, base, await stack.login());
      await measure('headless', p);
    } finally {
      await b.close();
    }
  });
  await withStack(1920, 1080, async (stack) => {
    const v = await startViewer({ display: DISPLAYS.a, width: 1920, height: 1240 });
    try {
      await openPwa(v.page, `http://127.0.0.1:${stack.port}`, await stack.login());
      await measure('headful visible 1920x1080', v.page, v, { w: 1920, h: 1080 });
    } finally {
      await v.stop();
    }
  });
  await withStack(
    1280,
    720,
    async (stack) => {
      const v = await startViewer({ display: DISPLAYS.a, width: 1280, height: 880 });
      try {
        await openPwa(v.page, `http://127.0.0.1:${stack.port}`, await stack.login(), '', v.logs);
        await measure('headful visible, encoder before 4d0737b (frame threads, CFR repeats)', v.page, v);
      } finally {
        await v.stop();
      }
    },
    true,
  );
  noise.stop();
  console.log(noise.report('paint-rate'));
});
