import { afterEach, describe, expect, it, vi } from 'vitest';
import { ensureSimDeps, missingSimPackages } from '../../hardware/sim/deps.ts';
import { displayNumber } from '../../hardware/sim/display.ts';
import { ReportFramer } from '../../hardware/sim/hid-endpoint.ts';
import { parseGeometry } from '../../hardware/sim/terminal.ts';
import { videoCommand } from '../../hardware/sim/video.ts';

describe('the report framer', () => {
  it.each<[string, number[][], number[][]]>([
    ['passes whole reports through', [[1, 2, 3, 4]], [[1, 2, 3, 4]]],
    ['joins a report split across reads', [[1, 2], [3], [4, 5]], [[1, 2, 3, 4]]],
    [
      'splits reads that carry several reports',
      [[1, 2, 3, 4, 5, 6, 7, 8, 9]],
      [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ],
    ],
  ])('%s', (_name, chunks, expected) => {
    const framer = new ReportFramer(4);
    const out = chunks.flatMap((c) => framer.push(Uint8Array.from(c))).map((r) => Array.from(r));
    expect(out).toEqual(expected);
  });
});

describe('dependency checks', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
    vi.restoreAllMocks();
  });

  it('finds everything installed on this machine', () => {
    expect(missingSimPackages()).toEqual([]);
  });

  it('names the exact apt-get command when binaries are missing and it is not root', async () => {
    process.env.PATH = '/nonexistent';
    vi.spyOn(process, 'getuid').mockReturnValue(1000);
    await expect(ensureSimDeps(() => {})).rejects.toMatchObject({
      code: 'DEPS_MISSING',
      message: expect.stringContaining('sudo apt-get install -y xvfb xterm ffmpeg socat xdotool x11-xkb-utils'),
    });
  });
});

describe('small helpers', () => {
  it('parses display names and rejects others', () => {
    expect(displayNumber(':91')).toBe(91);
    expect(displayNumber(':7.0')).toBe(7);
    expect(() => displayNumber('localhost:1')).toThrow(/SIM_DISPLAY/);
  });

  it('builds an ffmpeg x11grab → mpjpeg command for the screen', () => {
    const argv = videoCommand({ display: ':91', width: 800, height: 600, fps: 10 });
    expect(argv.join(' ')).toBe(
      'ffmpeg -hide_banner -loglevel error -f x11grab -draw_mouse 1 -framerate 10 -video_size 800x600 -i :91 -c:v mjpeg -threads 1 -q:v 5 -fps_mode vfr -f mpjpeg -',
    );
  });

  it.each([
    ['WINDOW=2097164\nX=0\nY=0\nWIDTH=1280\nHEIGHT=720\nSCREEN=0\n', { x: 0, y: 0, width: 1280, height: 720 }],
    ['WINDOW=6291468\nX=-3\nY=12\nWIDTH=724\nHEIGHT=460\nSCREEN=0\n', { x: -3, y: 12, width: 724, height: 460 }],
    ['WINDOW=1\nX=0\nY=0\n', undefined],
  ])('reads xdotool getwindowgeometry --shell output %#', (text, geometry) => {
    expect(parseGeometry(text)).toEqual(geometry);
  });
});
