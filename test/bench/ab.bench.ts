/**
 * The A/B of issue 11 §3: where frames enter the page. A (`?video=page`): frames arrive on the
 * page's WebSocket, are decoded from MessagePack on the main thread and transferred to the video
 * worker. B (`?video=worker`): the worker owns its own /ws/video socket; the main thread carries
 * control and HID only. Each with and without a busy main thread (a synthetic 50 ms task every
 * 100 ms in the page, as a heavy UI would cause). Frame age at paint is read off the viewer's X
 * screen with the pixel clock (headful Chromium on its own Xvfb display), 1280x720 30 fps.
 * Rounds interleave the four cases so drift in the machine's load hits each alike.
 * `npm run bench:ab [-- --short]`; BENCH_SECONDS (per case per round), BENCH_ROUNDS.
 */
import { DISPLAYS, openPwa, prepare, run, SHORT, sleep, summarize, type SeriesSummary } from './lib/common.ts';
import { watchClock, type Paint } from './lib/screen-clock.ts';
import { startBenchStack } from './lib/stack.ts';
import { f0, f1, startNoiseProbe } from './lib/stats.ts';
import { locateCanvasStrip, startViewer } from './lib/viewer.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? (SHORT ? 4 : 20));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (SHORT ? 1 : 2));
const W = 1280;
const H = 720;

const CASES = [
  { name: 'A', video: 'page', busy: false },
  { name: 'B', video: 'worker', busy: false },
  { name: 'A busy', video: 'page', busy: true },
  { name: 'B busy', video: 'worker', busy: true },
] as const;

run(async () => {
  await prepare();
  const noise = startNoiseProbe();
  const stack = await startBenchStack({ display: DISPLAYS.target, width: W, height: H, fps: 30 });
  const v = await startViewer({ display: DISPLAYS.a, width: W, height: H + 160 });
  const paints = new Map<string, Paint[]>(CASES.map((c) => [c.name, []]));
  const spans = new Map<string, number>(CASES.map((c) => [c.name, 0]));
  try {
    for (let round = 0; round < ROUNDS; round++)
      for (const c of CASES) {
        const page = await v.browser.contexts()[0]!.newPage();
        await v.page.close();
        v.page = page;
        await openPwa(page, `http://127.0.0.1:${stack.port}`, await stack.login(), `?video=${c.video}`, v.logs);
        if (c.busy)
          await page.evaluate(() => {
            setInterval(() => {
              const end = performance.now() + 50;
              while (performance.now() < end); // the synthetic long task
            }, 100);
          });
        await sleep(2000);
        const w = watchClock(v.screen, await locateCanvasStrip(v, W, H));
        const from = Date.now();
        await sleep(SECONDS * 1000);
        const to = Date.now();
        await w.stop();
        const inSpan = w.paints.filter((p) => p.at >= from && p.at <= to);
        paints.get(c.name)!.push(...inSpan);
        spans.set(c.name, spans.get(c.name)! + (to - from));
        const s = summarize(inSpan, from, to);
        console.log(
          `round ${round + 1} ${c.name} (?video=${c.video}): ${s.paints} paints, ${f1(s.fps)} fps, age p50 ${f1(s.p50)} p95 ${f1(s.p95)} ms`,
        );
      }
  } finally {
    await v.stop();
    await stack.stop();
  }
  noise.stop();
  const r = new Map<string, SeriesSummary>();
  for (const c of CASES) {
    const ps = paints.get(c.name)!;
    // summarize over one synthetic span of the summed length (fps = paints / total seconds).
    const s = summarize(
      ps.map((p, i) => ({ ...p, at: i })),
      0,
      spans.get(c.name)!,
    );
    r.set(c.name, { ...s, fps: ps.length / (spans.get(c.name)! / 1000) });
  }
  const g = (n: string) => r.get(n)!;
  const score = (n: string) => g(n).p50 + g(n).p95; // the tail counts as much as the middle
  const quiet = score('A') <= score('B') ? 'A' : 'B';
  const busy = score('A busy') <= score('B busy') ? 'A' : 'B';
  console.log(noise.report('ab'));
  console.log(
    `A/B fps 720p30: A ${f1(g('A').fps)}, B ${f1(g('B').fps)}, A busy ${f1(g('A busy').fps)}, B busy ${f1(g('B busy').fps)}`,
  );
  console.log(
    `A/B frame age at paint 720p30: A p50 ${f0(g('A').p50)} p95 ${f0(g('A').p95)}, B p50 ${f0(g('B').p50)} p95 ${f0(g('B').p95)}, ` +
      `A busy p50 ${f0(g('A busy').p50)} p95 ${f0(g('A busy').p95)}, B busy p50 ${f0(g('B busy').p50)} p95 ${f0(g('B busy').p95)}`,
  );
  console.log(`A/B winner (p50 + p95): idle ${quiet}, busy main thread ${busy}`);
});
