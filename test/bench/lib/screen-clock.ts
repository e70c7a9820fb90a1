/**
 * Reads the pixel clock (hardware/sim/clock.ts) off a viewer's X screen: the real pixels a headful
 * Chromium put on its Xvfb display, so "painted" means on screen, for the PWA's canvas and an
 * `<img>` alike. One row through the middle of the strip is read with core GetImage (ZPixmap,
 * 32 bpp BGRX) every few ms; a change of the value shown is a paint, and its age is the read time
 * minus the value (the clock and the reader share this machine's wall clock).
 */
import { createRequire } from 'node:module';
import { CLOCK_LAYOUT, decodeClock, unwrapClock } from '../../../hardware/sim/clock.ts';

interface ImageClient {
  GetImage(
    format: number,
    drawable: number,
    x: number,
    y: number,
    w: number,
    h: number,
    planeMask: number,
    cb: (err: unknown, img: { data: Buffer }) => void,
  ): void;
  terminate(): void;
}

interface X11Lite {
  createClient(
    o: { display: string },
    cb: (
      err: unknown,
      d: { screen: { root: number; pixel_width: number; pixel_height: number }[]; client: unknown },
    ) => void,
  ): unknown;
}
// The untyped `x11` package, as test/e2e/x-state.ts loads it (its typings live in the hardware project).
const x11 = createRequire(import.meta.url)('x11') as X11Lite;

export interface XScreen {
  display: string;
  width: number;
  height: number;
  /** BGRX pixels of a `w` x `h` rectangle at (x, y) of the root window. */
  grab(x: number, y: number, w: number, h: number): Promise<Buffer>;
  close(): void;
}

/** Connects to `display` for reading its root window. */
export function openXScreen(display: string): Promise<XScreen> {
  return new Promise((resolve, reject) => {
    x11.createClient({ display }, (err, d) => {
      const s = d?.screen[0];
      if (err || !s) return reject(new Error(`cannot open X display ${display}: ${String(err)}`));
      const c = d.client as unknown as ImageClient;
      resolve({
        display,
        width: s.pixel_width,
        height: s.pixel_height,
        grab: (x, y, w, h) =>
          new Promise((res, rej) =>
            c.GetImage(2, s.root, x, y, w, h, 0xffffffff, (e, img) => (e ? rej(e as Error) : res(img.data))),
          ),
        close: () => c.terminate(),
      });
    });
  });
}

/** Where a view shows the strip on its screen: left edge, row through the cells, cell width (px, may be fractional). */
export interface StripPlacement {
  x: number;
  y: number;
  cell: number;
}

/** The cells of the strip in a BGRX row that starts at screen x `rowX`. */
function cellsOf(row: Buffer, rowX: number, p: StripPlacement): boolean[] {
  const bits: boolean[] = [];
  for (let i = 0; i < CLOCK_LAYOUT.cells; i++) {
    const x = Math.round(p.x + (i + 0.5) * p.cell) - rowX;
    const o = x * 4;
    bits.push((row[o]! + row[o + 1]! + row[o + 2]!) / 3 > 128);
  }
  return bits;
}

const nowMs = () => performance.timeOrigin + performance.now();

/** Reads the strip once at `p`: the clock's epoch ms, or undefined when it does not decode. */
export async function readStrip(screen: XScreen, p: StripPlacement): Promise<number | undefined> {
  const x0 = Math.max(0, Math.floor(p.x));
  const w = Math.min(screen.width - x0, Math.ceil(p.cell * CLOCK_LAYOUT.cells) + 2);
  const row = await screen.grab(x0, Math.round(p.y), w, 1);
  const v = decodeClock(cellsOf(row, x0, p));
  return v === undefined ? undefined : unwrapClock(v, nowMs());
}

/**
 * Finds the strip near a predicted placement: tries offsets up to `radius` px in x and y (and
 * the cell width ±3 %), returns the first that decodes on a few reads, or undefined.
 */
export async function locateStrip(
  screen: XScreen,
  guess: StripPlacement,
  radius = 6,
): Promise<StripPlacement | undefined> {
  for (const ds of [0, -0.01, 0.01, -0.02, 0.02, -0.03, 0.03])
    for (let r = 0; r <= radius; r++)
      for (let dy = -r; dy <= r; dy++)
        for (let dx = -r; dx <= r; dx++) {
          if (Math.max(Math.abs(dx), Math.abs(dy)) !== r) continue;
          const p = { x: guess.x + dx, y: guess.y + dy, cell: guess.cell * (1 + ds) };
          if (p.y < 0 || p.x < 0 || p.y >= screen.height) continue;
          let ok = 0;
          for (let k = 0; k < 3; k++) if ((await readStrip(screen, p)) !== undefined) ok++;
          if (ok >= 2) return p;
        }
  return undefined;
}

/** One paint seen on screen: when (epoch ms, middle of the GetImage round trip) and the age it showed. */
export interface Paint {
  at: number;
  shown: number;
  ageMs: number;
}

export interface ClockWatch {
  paints: Paint[];
  /** Reads done and reads that did not decode (a view mid-update, or covered). */
  reads(): { total: number; undecoded: number };
  stop(): Promise<void>;
}

/**
 * Reads the strip every `intervalMs` (default 4) until stop(); a value other than the previous
 * one is a paint. A paint showing an older value than the previous one is ignored (cannot
 * happen on one view; counted as undecoded).
 */
export function watchClock(screen: XScreen, p: StripPlacement, intervalMs = 4): ClockWatch {
  const paints: Paint[] = [];
  let total = 0;
  let undecoded = 0;
  let last = -1;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = nowMs();
      const v = await readStrip(screen, p).catch(() => undefined);
      const t1 = nowMs();
      total++;
      if (v === undefined || v < last) undecoded++;
      else if (v !== last) {
        if (last !== -1) {
          const at = (t0 + t1) / 2;
          paints.push({ at, shown: v, ageMs: at - v });
        }
        last = v;
      }
      const wait = intervalMs - (nowMs() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    paints,
    reads: () => ({ total, undecoded }),
    stop: async () => {
      running = false;
      await loop;
    },
  };
}
