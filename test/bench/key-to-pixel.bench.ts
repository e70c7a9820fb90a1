/**
 * Benchmark 3 (issue 11 §4): key to pixel. A key pressed in the PWA (headful Chromium, CDP key
 * events) until the glyph's pixels change in the painted canvas, read off the viewer's X screen
 * every 4 ms, on the simulated target at 1280x720 30 fps. Start: the page's keydown event time.
 * Each trial types `x` or BackSpace alternately at the shell prompt on the terminal's first line,
 * after a random 150-400 ms pause (so presses fall at every phase of the capture interval).
 * Path: page → bridge → HID report → X → next capture (≤ 1 interval) → encode → relay → decode → paint.
 * `npm run bench:key-to-pixel [-- --short]`; BENCH_TRIALS overrides the count.
 */
import { DISPLAYS, prepare, run, SHORT, sleep } from './lib/common.ts';
import { waitForKvm } from '../e2e/harness.ts';
import { startBenchStack } from './lib/stack.ts';
import { f1, pct, startNoiseProbe } from './lib/stats.ts';
import { canvasMapping, startViewer } from './lib/viewer.ts';

const TRIALS = Number(process.env.BENCH_TRIALS ?? (SHORT ? 12 : 60));
const W = 1280;
const H = 720;
const FPS = 30;
const now = () => performance.timeOrigin + performance.now();

/** Pixels (BGRX) whose luma differs by more than 40 between two grabs of the same rectangle. */
function changed(a: Buffer, b: Buffer): number {
  let n = 0;
  for (let o = 0; o < a.length; o += 4) {
    const d = Math.abs(a[o]! + a[o + 1]! + a[o + 2]! - (b[o]! + b[o + 1]! + b[o + 2]!)) / 3;
    if (d > 40) n++;
  }
  return n;
}

run(async () => {
  await prepare();
  const noise = startNoiseProbe();
  const stack = await startBenchStack({ display: DISPLAYS.target, width: W, height: H, fps: FPS });
  const v = await startViewer({ display: DISPLAYS.a, width: W, height: H + 160 });
  try {
    await v.page.goto(`http://127.0.0.1:${stack.port}/#login=${await stack.login()}`);
    await waitForKvm(v.page);
    await v.page.locator('#screen').focus();
    await v.page.keyboard.type('clear');
    await v.page.keyboard.press('Enter');
    await v.page.evaluate(() => {
      const w = window as unknown as { keyAt: number[] };
      w.keyAt = [];
      window.addEventListener('keydown', (e) => w.keyAt.push(performance.timeOrigin + e.timeStamp), { capture: true });
    });
    await sleep(1500);
    const m = await canvasMapping(v, W, H);
    // The terminal's first line ("target$ " and what is typed), left of the clock strip.
    const rect = {
      x: Math.round(m.left),
      y: Math.round(m.top),
      w: Math.round(560 * m.scale),
      h: Math.round(22 * m.scale),
    };
    const lat: number[] = [];
    let timeouts = 0;
    for (let i = 0; i < TRIALS; i++) {
      await sleep(150 + Math.random() * 250);
      const before = await v.screen.grab(rect.x, rect.y, rect.w, rect.h);
      await v.page.keyboard.press(i % 2 === 0 ? 'x' : 'Backspace');
      const end = now() + 3000;
      let seenAt = 0;
      while (now() < end) {
        const t0 = now();
        const img = await v.screen.grab(rect.x, rect.y, rect.w, rect.h);
        if (changed(before, img) > 4) {
          seenAt = (t0 + now()) / 2;
          break;
        }
        await sleep(Math.max(0, 4 - (now() - t0)));
      }
      const keyAt = await v.page.evaluate(() => (window as unknown as { keyAt: number[] }).keyAt.at(-1) ?? 0);
      if (seenAt === 0) timeouts++;
      else lat.push(seenAt - keyAt);
    }
    noise.stop();
    const interval = 1000 / FPS;
    console.log(
      `key to pixel: ${lat.length} of ${TRIALS} presses seen (${timeouts} not within 3 s), min ${f1(Math.min(...lat))} ` +
        `max ${f1(Math.max(...lat))} ms; ${W}x${H} ${FPS} fps`,
    );
    console.log(noise.report('key-to-pixel'));
    console.log(`key to pixel: p50 ${f1(pct(lat, 50))} p95 ${f1(pct(lat, 95))}, capture interval ${f1(interval)}`);
  } finally {
    await v.stop();
    await stack.stop();
  }
});
