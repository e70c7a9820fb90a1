/**
 * Issue 10's screenshot button: one click saves the last painted frame as a PNG named with the date
 * and time, at the video's size, with the target's pixels (compared with a direct X capture).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, typeLikeAPerson, waitFor, type Stack } from './harness.ts';

const DISPLAY = ':113';
type Img = { data: Uint8Array; width: number; height: number };

/** Mean absolute difference per channel (0..255) after box-downscaling both images to w×h. */
function meanDiff(a: Img, b: Img, w = 128, h = 96): number {
  const shrink = (img: Img) => {
    const out = new Float64Array(w * h * 3);
    const counts = new Float64Array(w * h);
    for (let y = 0; y < img.height; y++)
      for (let x = 0; x < img.width; x++) {
        const cell = Math.floor((y * h) / img.height) * w + Math.floor((x * w) / img.width);
        const i = (y * img.width + x) * 4;
        for (let c = 0; c < 3; c++) out[cell * 3 + c]! += img.data[i + c]!;
        counts[cell]!++;
      }
    return out.map((v, i) => v / counts[Math.floor(i / 3)]!);
  };
  const [sa, sb] = [shrink(a), shrink(b)];
  let sum = 0;
  for (let i = 0; i < sa.length; i++) sum += Math.abs(sa[i]! - sb[i]!);
  return sum / sa.length;
}

function captureX(display: string, width: number, height: number): Img {
  const png = execFileSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'x11grab',
      '-draw_mouse',
      '0',
      '-video_size',
      `${width}x${height}`,
    ].concat(['-i', display, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', '-']),
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return PNG.sync.read(png);
}

interface Stats {
  framesPainted: number;
  framesRepeated: number;
}
const stats = (stack: Stack) =>
  stack.page.evaluate(() => (window as unknown as { kvm: { stats(): Promise<Stats> } }).kvm.stats());

describe('screenshot button', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ display: DISPLAY, width: 800, height: 600 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('saves the current frame as kvm-<date>T<time>.png at the video size with the target pixels', async () => {
    const { page, sim } = stack;
    await page.locator('#screen').click({ position: { x: 5, y: 5 } });
    await typeLikeAPerson(page, 'clear; ls -la /usr/bin | head -40');
    await page.keyboard.press('Enter');
    await page.mouse.move(0, 0);
    // Settled: the encoder's frames of a still screen are byte-identical, and the worker has seen
    // several such repeats after the last change it painted.
    const before = await stats(stack);
    await waitFor(
      async () => {
        const s = await stats(stack);
        return s.framesRepeated >= before.framesRepeated + 5 && s.framesPainted > 0 ? s : undefined;
      },
      'a still screen (5 repeated frames)',
      30_000,
    );
    const direct = captureX(sim.display, sim.width, sim.height);
    const clickedAt = Date.now();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('screenshot').click()]);
    const name = download.suggestedFilename();
    expect(name).toMatch(/^kvm-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.png$/);
    // Local time of the click, to the second (allow the second to roll over).
    const stamp = (t: number) => {
      const d = new Date(t);
      const p = (n: number) => String(n).padStart(2, '0');
      return `kvm-${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}.png`;
    };
    expect([stamp(clickedAt), stamp(clickedAt + 1000), stamp(clickedAt - 1000)]).toContain(name);
    const png = PNG.sync.read(readFileSync((await download.path())!));
    expect([png.width, png.height]).toEqual([sim.width, sim.height]);
    const diff = meanDiff(png, direct);
    const blank: Img = {
      width: direct.width,
      height: direct.height,
      data: new Uint8Array(direct.data.length).fill(255),
    };
    const contentVsBlank = meanDiff(direct, blank);
    console.log(
      `screenshot vs X capture: mean abs diff ${diff.toFixed(2)}/255 (a blank screen would differ by ${contentVsBlank.toFixed(2)})`,
    );
    expect(contentVsBlank).toBeGreaterThan(5 * diff); // the screen has content the comparison can see
    expect(diff).toBeLessThan(4);
  });
});
