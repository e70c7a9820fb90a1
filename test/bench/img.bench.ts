/**
 * Benchmark 1 (issue 11 §4): the PWA's canvas against a plain `<img src=…/stream>` of the same
 * MJPEG, in one run, at 1280x720 and 1920x1080, 30 fps. The pixel clock (hardware/sim/clock.ts)
 * is read off each viewer's own X screen (two headful Chromiums on their own Xvfb displays) every
 * 4 ms, so each painted frame's age at paint comes from its own pixels.
 *
 * The capture runs once, through the bench's MJPEG tee: the bridge reads it as its `http` source
 * (as it reads uStreamer on a Pi) and the `<img>` reads the same stream directly (as PiKVM and
 * TinyPilot show it). `npm run bench:img [-- --short]`; BENCH_SECONDS overrides the length.
 */
import {
  DISPLAYS,
  describeSeries,
  openPwa,
  prepare,
  run,
  SHORT,
  sleep,
  summarize,
  type SeriesSummary,
} from './lib/common.ts';
import { watchClock } from './lib/screen-clock.ts';
import { startBenchStack } from './lib/stack.ts';
import { f0, f1, startNoiseProbe } from './lib/stats.ts';
import { locateCanvasStrip, locateImgStrip, startViewer } from './lib/viewer.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? (SHORT ? 5 : 30));

interface VideoStatsLike {
  framesReceived: number;
  framesPainted: number;
  framesDropped: number;
  decodeMs: { p50: number; p95: number };
}

async function measure(width: number, height: number): Promise<{ canvas: SeriesSummary; img: SeriesSummary }> {
  const stack = await startBenchStack({ display: DISPLAYS.target, width, height, fps: 30, tee: true });
  const canvasView = await startViewer({ display: DISPLAYS.a, width, height: height + 160 });
  const imgView = await startViewer({ display: DISPLAYS.b, width, height: height + 100 });
  try {
    await openPwa(canvasView.page, `http://127.0.0.1:${stack.port}`, await stack.login(), '', canvasView.logs);
    await imgView.page.goto(`${stack.teeUrl}/img.html`);
    await imgView.page.waitForFunction(() => (document.querySelector('#stream') as HTMLImageElement).naturalWidth > 0);
    await sleep(2000); // warm up: decoder chosen, JIT warm
    const cp = await locateCanvasStrip(canvasView, width, height);
    const ip = await locateImgStrip(imgView, width);
    const stats = () =>
      canvasView.page.evaluate(() => (window as unknown as { kvm: { stats(): Promise<VideoStatsLike> } }).kvm.stats());
    const s0 = await stats();
    const cw = watchClock(canvasView.screen, cp);
    const iw = watchClock(imgView.screen, ip);
    const from = Date.now();
    await sleep(SECONDS * 1000);
    const to = Date.now();
    await Promise.all([cw.stop(), iw.stop()]);
    const s1 = await stats();
    const canvas = summarize(cw.paints, from, to);
    const img = summarize(iw.paints, from, to);
    const label = `${height}p30`;
    console.log(
      `${label} canvas: ${describeSeries(canvas)}; reads ${cw.reads().total} (${cw.reads().undecoded} undecoded)`,
    );
    console.log(
      `${label} img:    ${describeSeries(img)}; reads ${iw.reads().total} (${iw.reads().undecoded} undecoded)`,
    );
    const secs = (to - from) / 1000;
    console.log(
      `${label} PWA's own counters: ${f1((s1.framesReceived - s0.framesReceived) / secs)} frames/s received, ` +
        `${f1((s1.framesPainted - s0.framesPainted) / secs)} drawn, ${s1.framesDropped - s0.framesDropped} replaced while pending, ` +
        `decode p50 ${f1(s1.decodeMs.p50)} p95 ${f1(s1.decodeMs.p95)} ms; canvas strip cell ${f1(cp.cell)} px`,
    );
    return { canvas, img };
  } finally {
    await canvasView.stop();
    await imgView.stop();
    await stack.stop();
  }
}

run(async () => {
  await prepare();
  const noise = startNoiseProbe();
  console.log(`against <img>: ${SECONDS} s per size, clock read every 4 ms off each viewer's X screen`);
  const r720 = await measure(1280, 720);
  const r1080 = await measure(1920, 1080);
  noise.stop();
  console.log(noise.report('img'));
  const line = (label: string, r: { canvas: SeriesSummary; img: SeriesSummary }) =>
    `frame age at paint ${label}: canvas p50 ${f0(r.canvas.p50)} p95 ${f0(r.canvas.p95)}, img p50 ${f0(r.img.p50)} p95 ${f0(r.img.p95)}`;
  console.log(
    `painted fps 720p30: canvas ${f1(r720.canvas.fps)}, img ${f1(r720.img.fps)}; 1080p30: canvas ${f1(r1080.canvas.fps)}, img ${f1(r1080.img.fps)}`,
  );
  console.log(line('720p30', r720));
  console.log(line('1080p30', r1080));
});
