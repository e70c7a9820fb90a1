/**
 * A pixel clock on the simulated target's screen, for the frame-age benchmarks (issue 11 §4): a
 * small X client that keeps a strip of black and white cells in a corner of the screen showing
 * the current wall-clock ms, redrawn every few ms. Whatever shows the captured picture (the PWA's
 * canvas, an `<img>` of the MJPEG stream, a screenshot of a viewer's X screen) can be read back
 * with {@link decodeClock}: a painted frame's age is then the reader's clock minus the value it
 * shows, read from the frame's own pixels (same machine, same clock).
 *
 * The strip (see {@link CLOCK_LAYOUT}): 44 cells in one row, white = 1, black = 0:
 * `1 0` (sync) · 32 bits of `ms mod 2^32`, most significant first · CRC-8 of those 4 bytes
 * (polynomial 0x07, as in SMBus PEC) · `0 1` (sync). Cells are 14 x 20 px, big enough to survive
 * MJPEG at any quantiser the sim uses and a canvas scaled down to 0.6. A frame grabbed while the
 * strip was half redrawn fails the CRC and is skipped by the reader, never misread.
 *
 * CLI: `npx tsx hardware/sim/clock.ts --display :115 [--interval 4]` draws until SIGTERM and
 * prints the strip's geometry as one JSON line on stdout.
 */
import { parseArgs } from 'node:util';
import x11 from 'x11';
import { SimError, describeError } from './errors.ts';

export const CLOCK_LAYOUT = {
  /** Cells in the strip. */
  cells: 44,
  /** Cell width and strip height, px on the target's screen. */
  cell: 14,
  height: 20,
  /** Gap to the screen's top and right edges, px. */
  margin: 8,
} as const;

/** Where the strip is on the target's screen, px. */
export interface ClockGeometry {
  x: number;
  y: number;
  width: number;
  height: number;
  cell: number;
  cells: number;
}

/** The strip's place on a `screenWidth` px wide screen: top right corner. */
export function clockGeometry(screenWidth: number): ClockGeometry {
  const { cells, cell, height, margin } = CLOCK_LAYOUT;
  return { x: screenWidth - margin - cells * cell, y: margin, width: cells * cell, height, cell, cells };
}

/** CRC-8, polynomial x^8 + x^2 + x + 1 (0x07), initial 0, no reflection. */
export function crc8(bytes: readonly number[]): number {
  let c = 0;
  for (const b of bytes) {
    c ^= b & 0xff;
    for (let i = 0; i < 8; i++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  }
  return c;
}

/** The 44 cells for `ms` (epoch ms; only `ms mod 2^32` is shown): true = white. */
export function encodeClock(ms: number): boolean[] {
  const v = Math.floor(ms) % 2 ** 32;
  const bytes = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  const bits: boolean[] = [true, false];
  for (const b of [...bytes, crc8(bytes)]) for (let i = 7; i >= 0; i--) bits.push(((b >> i) & 1) === 1);
  bits.push(false, true);
  return bits;
}

/**
 * The `ms mod 2^32` a strip of 44 cells shows, or undefined when the sync cells or the CRC do not
 * match (not a clock, or a frame grabbed mid-redraw).
 */
export function decodeClock(bits: readonly boolean[]): number | undefined {
  if (bits.length !== CLOCK_LAYOUT.cells || !bits[0] || bits[1] || bits[42] || !bits[43]) return undefined;
  const bytes: number[] = [];
  for (let k = 0; k < 5; k++) {
    let b = 0;
    for (let i = 0; i < 8; i++) b = (b << 1) | (bits[2 + k * 8 + i] ? 1 : 0);
    bytes.push(b);
  }
  if (crc8(bytes.slice(0, 4)) !== bytes[4]) return undefined;
  return ((bytes[0]! << 24) >>> 0) + (bytes[1]! << 16) + (bytes[2]! << 8) + bytes[3]!;
}

/** The full epoch ms that `shown` (ms mod 2^32) stands for, taking the latest one not after `nowMs`. */
export function unwrapClock(shown: number, nowMs: number): number {
  const back = (((Math.floor(nowMs) - shown) % 2 ** 32) + 2 ** 32) % 2 ** 32;
  return Math.floor(nowMs) - back;
}

/** The slice of the `x11` client the clock draws with (node_modules/x11/lib/corereqs.js). */
interface DrawClient {
  AllocID(): number;
  CreateWindow(
    id: number,
    parent: number,
    x: number,
    y: number,
    w: number,
    h: number,
    border: number,
    depth: number,
    cls: number,
    visual: number,
    values: Record<string, number>,
  ): void;
  MapWindow(id: number): void;
  RaiseWindow(id: number): void;
  CreateGC(id: number, drawable: number, values: Record<string, number>): void;
  PolyFillRectangle(drawable: number, gc: number, coords: number[]): void;
  on(event: 'error', fn: (e: unknown) => void): void;
  terminate(): void;
}

export interface PixelClock {
  geometry: ClockGeometry;
  /** Redraws so far. */
  draws(): number;
  stop(): void;
}

/**
 * Connects to `display` and keeps the strip drawn at {@link clockGeometry} of the screen, redrawn
 * every `intervalMs` (default 4) with `Date.now()`, in an override-redirect window raised once a
 * second (above the target's terminal).
 * @throws SimError X_FAILED when the display cannot be reached
 */
export function startPixelClock(opts: {
  display: string;
  intervalMs?: number;
  log?: (l: string) => void;
}): Promise<PixelClock> {
  const log = opts.log ?? (() => undefined);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new SimError('X_FAILED', `X connection to ${opts.display} timed out`)), 5000);
    x11.createClient({ display: opts.display }, (err, d) => {
      clearTimeout(timer);
      const screen = d?.screen[0];
      if (err || !screen) {
        reject(
          new SimError('X_FAILED', `cannot connect to X display ${opts.display}: ${describeError(err)}`, {
            cause: err,
          }),
        );
        return;
      }
      const c = d.client as unknown as DrawClient;
      c.on('error', (e) => log(`pixel clock: X error ${describeError(e)}`));
      const g = clockGeometry(screen.pixel_width);
      const win = c.AllocID();
      // InputOutput (1), CopyFromParent visual (0); override-redirect so no window manager moves it.
      c.CreateWindow(win, screen.root, g.x, g.y, g.width, g.height, 0, 0, 1, 0, {
        backgroundPixel: 0,
        overrideRedirect: 1,
      });
      c.MapWindow(win);
      const white = c.AllocID();
      const black = c.AllocID();
      c.CreateGC(white, win, { foreground: 0xffffff });
      c.CreateGC(black, win, { foreground: 0 });
      let draws = 0;
      const draw = () => {
        const bits = encodeClock(Date.now());
        const on: number[] = [];
        const off: number[] = [];
        bits.forEach((b, i) => (b ? on : off).push(i * g.cell, 0, g.cell, g.height));
        // One write: the server runs both requests back to back (a grab between them fails the CRC).
        c.PolyFillRectangle(win, white, on);
        c.PolyFillRectangle(win, black, off);
        draws++;
      };
      draw();
      const tick = setInterval(draw, opts.intervalMs ?? 4);
      const raise = setInterval(() => c.RaiseWindow(win), 1000);
      resolve({
        geometry: g,
        draws: () => draws,
        stop: () => {
          clearInterval(tick);
          clearInterval(raise);
          c.terminate();
        },
      });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { display: { type: 'string' }, interval: { type: 'string' } } });
  const display = values.display ?? process.env.SIM_DISPLAY ?? ':99';
  try {
    const clock = await startPixelClock({
      display,
      intervalMs: values.interval ? Number(values.interval) : undefined,
      log: (l) => console.error(l),
    });
    console.log(JSON.stringify(clock.geometry));
    const stop = () => {
      clock.stop();
      process.exit(0);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  } catch (e) {
    console.error(`pixel clock: ${describeError(e)}`);
    process.exit(1);
  }
}
