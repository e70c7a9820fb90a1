import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { absoluteToClient } from '../../web/src/lib/input/pointer.ts';
import { startStack, typeLikeAPerson, waitFor, type Stack } from './harness.ts';

const DISPLAY = ':93';
const PRINTABLE_ASCII = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');

/** Mean absolute difference per channel (0..255) after box-downscaling both images to w×h. */
function meanDiff(a: { data: Uint8Array; width: number; height: number }, b: typeof a, w = 128, h = 96): number {
  const shrink = (img: typeof a) => {
    const out = new Float64Array(w * h * 3);
    const counts = new Float64Array(w * h);
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        const cell = Math.floor((y * h) / img.height) * w + Math.floor((x * w) / img.width);
        const i = (y * img.width + x) * 4;
        for (let c = 0; c < 3; c++) out[cell * 3 + c]! += img.data[i + c]!;
        counts[cell]!++;
      }
    }
    return out.map((v, i) => v / counts[Math.floor(i / 3)]!);
  };
  const sa = shrink(a);
  const sb = shrink(b);
  let sum = 0;
  for (let i = 0; i < sa.length; i++) sum += Math.abs(sa[i]! - sb[i]!);
  return sum / sa.length;
}

describe('the main job, end to end in Chromium against the simulated target', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ display: DISPLAY });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const xEnv = () => ({ ...process.env, DISPLAY: stack.sim.display });

  it('types a shell command that writes all printable ASCII to a file on the target', async () => {
    const { page, workDir } = stack;
    const out = join(workDir, 'ascii.txt');
    await page.locator('#screen').click({ position: { x: 5, y: 5 } });
    await typeLikeAPerson(page, `cat > ${out} <<'END'`);
    await page.keyboard.press('Enter');
    await typeLikeAPerson(page, PRINTABLE_ASCII);
    await page.keyboard.press('Enter');
    await typeLikeAPerson(page, 'END');
    await page.keyboard.press('Enter');
    const text = await waitFor(
      () => (existsSync(out) && readFileSync(out, 'utf8').endsWith('\n') ? readFileSync(out, 'utf8') : undefined),
      'the file written by the target shell',
    );
    expect(text).toBe(`${PRINTABLE_ASCII}\n`);
  });

  it('moves the target pointer to the clicked point of the video', async () => {
    const { page, sim } = stack;
    const box = (await page.locator('#screen').boundingBox())!;
    const video = { width: sim.width, height: sim.height };
    for (const [px, py] of [
      [300, 200],
      [sim.width - 10, sim.height - 10],
      [17, 600],
    ] as const) {
      const target = { x: Math.round((px * 32767) / (sim.width - 1)), y: Math.round((py * 32767) / (sim.height - 1)) };
      const { clientX, clientY } = absoluteToClient(
        target.x,
        target.y,
        { left: box.x, top: box.y, width: box.width, height: box.height },
        video,
      );
      await page.mouse.click(clientX, clientY);
      const where = await waitFor(
        () => {
          const m = /x:(\d+) y:(\d+)/.exec(
            execFileSync('xdotool', ['getmouselocation'], { env: xEnv(), encoding: 'utf8' }),
          );
          const at = m ? { x: Number(m[1]), y: Number(m[2]) } : undefined;
          return at && Math.abs(at.x - px) <= 2 && Math.abs(at.y - py) <= 2 ? at : undefined;
        },
        `pointer at ${px},${py}`,
        10_000,
      );
      // One displayed pixel is about 1.25 target pixels at this scale, so allow 2.
      expect(Math.abs(where.x - px)).toBeLessThanOrEqual(2);
      expect(Math.abs(where.y - py)).toBeLessThanOrEqual(2);
    }
  });

  it('shows the target screen on the canvas, matching a direct capture of the X display', async () => {
    const { page, sim } = stack;
    await page.locator('#screen').click({ position: { x: 5, y: 5 } });
    await typeLikeAPerson(page, 'clear; ls -la /usr/bin | head -60');
    await page.keyboard.press('Enter');
    await page.mouse.move(0, 0);
    await new Promise((r) => setTimeout(r, 2000)); // let a few frames of the settled screen through
    const direct = PNG.sync.read(
      execFileSync(
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
          `${sim.width}x${sim.height}`,
          '-i',
          sim.display,
          '-frames:v',
          '1',
          '-f',
          'image2pipe',
          '-vcodec',
          'png',
          '-',
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      ),
    );
    await new Promise((r) => setTimeout(r, 500));
    const box = (await page.locator('#screen').boundingBox())!;
    // The canvas is letterboxed with object-fit: contain; crop the screenshot to the picture.
    const scale = Math.min(box.width / sim.width, box.height / sim.height);
    const w = sim.width * scale;
    const h = sim.height * scale;
    const clip = { x: box.x + (box.width - w) / 2, y: box.y + (box.height - h) / 2, width: w, height: h };
    const shown = PNG.sync.read(await page.screenshot({ clip }));
    const diff = meanDiff(shown, direct);
    const blank = { width: direct.width, height: direct.height, data: new Uint8Array(direct.data.length).fill(255) };
    const contentVsBlank = meanDiff(direct, blank);
    console.log(
      `canvas vs X capture: mean abs diff ${diff.toFixed(2)}/255 (blank screen would differ by ${contentVsBlank.toFixed(2)})`,
    );
    expect(contentVsBlank).toBeGreaterThan(5 * diff); // the screen has content the comparison can see
    expect(diff).toBeLessThan(6);
  });
});
