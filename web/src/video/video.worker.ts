/**
 * Video worker: decodes MJPEG frames and paints them on the page's transferred OffscreenCanvas,
 * so JPEG decode and drawing never block the page's input handling. Frames come from the page
 * (transport 'page') or from this worker's own `/ws/video` socket (transport 'worker', see
 * video-socket.ts, loaded only in that mode).
 *
 * Decoders: WebCodecs `ImageDecoder` (https://w3c.github.io/webcodecs/#imagedecoder-interface,
 * type 'image/jpeg') when present, else `createImageBitmap(Blob)`. If the preferred decoder fails
 * on a frame the other one decodes, the frame was fine and the decoder is not: switch for good.
 * If every decoder fails, the JPEG is corrupt: count it and carry on with the next frame.
 *
 * Timing: every frame's stages are stamped here on the page clock and translated to the bridge's
 * clock (timing.ts); "painted" is the worker's first requestAnimationFrame after the draw (api.ts).
 */
import { expose } from 'comlink';
import type { FrameMeta, Rgba, VideoDecoderKind, VideoStats, VideoTransport, VideoWorkerApi } from './api.ts';
import {
  emptyStats,
  frameTiming,
  percentiles,
  Ring,
  sameBytes,
  stageDurations,
  STAGES,
  type FrameTiming,
  type Stage,
} from './timing.ts';
import type { VideoSocket } from './video-socket.ts';

interface Pending {
  bytes: Uint8Array<ArrayBuffer>;
  meta: FrameMeta;
}
/** A drawn frame waiting for the display frame that shows it. */
interface Drawn {
  meta: FrameMeta;
  decodeStartAt: number;
  decodeEndAt: number;
  drawnAt: number;
}
/** A decoded image ready for drawImage; close() frees its (possibly GPU) memory. */
interface Decoded {
  image: VideoFrame | ImageBitmap;
  width: number;
  height: number;
}
type Decode = (bytes: Uint8Array<ArrayBuffer>) => Promise<Decoded>;

const now = () => performance.timeOrigin + performance.now(); // epoch ms, same clock as the page

const DECODERS: Partial<Record<Exclude<VideoDecoderKind, 'none'>, Decode>> = {};
if (typeof ImageDecoder === 'function') {
  DECODERS.ImageDecoder = async (bytes) => {
    const dec = new ImageDecoder({ data: bytes, type: 'image/jpeg' });
    try {
      const { image } = await dec.decode();
      return { image, width: image.displayWidth, height: image.displayHeight };
    } finally {
      dec.close();
    }
  };
}
if (typeof createImageBitmap === 'function') {
  DECODERS.createImageBitmap = async (bytes) => {
    const image = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
    return { image, width: image.width, height: image.height };
  };
}
/** Preference order; the head is the decoder in use, reordered when one proves broken. */
const order = Object.keys(DECODERS) as Exclude<VideoDecoderKind, 'none'>[];
/** Dedicated workers have requestAnimationFrame in Chromium (for OffscreenCanvas); not everywhere. */
const raf: ((cb: FrameRequestCallback) => number) | null =
  typeof self.requestAnimationFrame === 'function' ? self.requestAnimationFrame.bind(self) : null;

let ctx: OffscreenCanvasRenderingContext2D | null = null;
let pending: Pending | null = null;
let busy = false;
/** The bytes on the canvas now (the last drawn frame), for the repeat check. */
let onCanvas: Uint8Array | null = null;
let awaitingPaint: Drawn | null = null;
let rafRequested = false;
let clockOffsetMs = 0;
let transport: VideoTransport = 'page';
let socket: VideoSocket | null = null;
let s: VideoStats;
const decodeMs = new Ring();
const frameAge = new Ring();
const ageAtPaint = new Ring();
const stageRings = Object.fromEntries(STAGES.map((k) => [k, new Ring()])) as Record<Stage, Ring>;
/** Time stamps (page clock) of paints, of repeats, and of arrivals with their byte sizes. */
const paintTimes = new Ring();
const repeatTimes = new Ring();
const arrivalTimes = new Ring();
const arrivalBytes = new Ring();

function resetStats() {
  s = {
    ...emptyStats(transport),
    width: ctx?.canvas.width ?? 0,
    height: ctx?.canvas.height ?? 0,
    clockOffsetMs,
  };
  for (const r of [decodeMs, frameAge, ageAtPaint, paintTimes, repeatTimes, arrivalTimes, arrivalBytes]) r.clear();
  for (const r of Object.values(stageRings)) r.clear();
  awaitingPaint = null;
}
resetStats();

const describe = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
const fail = (e: unknown) => {
  s.decodeErrors++;
  s.lastError = describe(e);
};

/** Try the decoders in order; the first success becomes the preferred one. */
async function decode(bytes: Uint8Array<ArrayBuffer>): Promise<[Decoded, Exclude<VideoDecoderKind, 'none'>]> {
  let first: unknown = new Error('no image decoder in this worker');
  for (const [i, kind] of order.entries()) {
    try {
      const d = await DECODERS[kind]!(bytes);
      if (i > 0) {
        // The earlier decoders failed a decodable frame: they are broken here, not the frame.
        s.lastError = `${order[0]} failed a valid frame (${describe(first)}); switched to ${kind}`;
        order.unshift(...order.splice(i, 1));
      }
      return [d, kind];
    } catch (e) {
      if (i === 0) first = e; // report the preferred decoder's view of a corrupt frame
    }
  }
  throw first;
}

/** The display frame that shows the last draw has begun: that draw is painted. */
function onAnimationFrame() {
  rafRequested = false;
  const d = awaitingPaint;
  if (!d) return;
  awaitingPaint = null;
  painted(d, now());
}

function painted(d: Drawn, paintedAt: number) {
  const t: FrameTiming = frameTiming(
    d.meta,
    {
      receivedAt: d.meta.pageReceivedAt,
      decodeStartAt: d.decodeStartAt,
      decodeEndAt: d.decodeEndAt,
      drawnAt: d.drawnAt,
      paintedAt,
    },
    clockOffsetMs,
  );
  const stages = stageDurations(t);
  for (const k of STAGES) stageRings[k].push(stages[k]);
  ageAtPaint.push(t.ageAtPaintMs);
  frameAge.push(paintedAt - d.meta.pageReceivedAt);
  paintTimes.push(paintedAt);
  s.last = t;
}

async function paint(f: Pending) {
  if (!ctx) throw new Error('not-attached: frame before attach()');
  if (onCanvas && sameBytes(f.bytes, onCanvas)) {
    s.framesRepeated++;
    s.lastSeq = f.meta.seq;
    repeatTimes.push(now());
    return;
  }
  const decodeStartAt = now();
  const t0 = performance.now();
  const [d, kind] = await decode(f.bytes);
  decodeMs.push(performance.now() - t0);
  const decodeEndAt = now();
  try {
    const c = ctx.canvas;
    if (c.width !== d.width || c.height !== d.height) {
      c.width = d.width;
      c.height = d.height;
    }
    ctx.drawImage(d.image, 0, 0);
  } finally {
    d.image.close();
  }
  const drawn: Drawn = { meta: f.meta, decodeStartAt, decodeEndAt, drawnAt: now() };
  onCanvas = f.bytes;
  Object.assign(s, {
    framesPainted: s.framesPainted + 1,
    decoder: kind,
    width: d.width,
    height: d.height,
    lastSeq: f.meta.seq,
  });
  if (!raf) return painted(drawn, drawn.drawnAt);
  if (awaitingPaint) s.framesOverdrawn++;
  awaitingPaint = drawn;
  if (!rafRequested) {
    rafRequested = true;
    raf(onAnimationFrame);
  }
}

/** Drain: one decode in flight; whatever is newest when it finishes goes next. */
async function pump() {
  busy = true;
  // paint() errors are counted by fail(), so this loop can't exit early and leave busy stuck.
  for (let f = pending; f; f = pending) {
    pending = null;
    await paint(f).catch(fail);
  }
  busy = false;
}

/** One frame in, from either transport. */
function accept(bytes: Uint8Array<ArrayBuffer>, meta: FrameMeta) {
  s.framesReceived++;
  s.bytesReceived += bytes.byteLength;
  s.framesSkippedAtBridge += meta.skipped ?? 0;
  arrivalTimes.push(meta.pageReceivedAt);
  arrivalBytes.push(bytes.byteLength);
  if (pending) s.framesDropped++;
  pending = { bytes, meta };
  if (!busy) pump().catch(fail);
}

const api: VideoWorkerApi = {
  attach(canvas) {
    ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) fail(new Error('not-attached: OffscreenCanvas 2d context unavailable'));
  },
  frame(buffer, byteOffset, byteLength, meta) {
    accept(new Uint8Array(buffer, byteOffset, byteLength), meta);
  },
  setClockOffset(offsetMs) {
    if (Number.isFinite(offsetMs)) clockOffsetMs = offsetMs;
  },
  openSocket(opts) {
    transport = s.transport = 'worker';
    socket?.dispose();
    socket = null;
    // The socket code (and the MessagePack codec) loads only in this mode.
    import('./video-socket.ts')
      .then(({ openVideoSocket }) => {
        socket = openVideoSocket(opts, accept);
      })
      .catch((e: unknown) => {
        s.lastError = `video socket: ${describe(e)}`;
      });
  },
  stats() {
    const since = now() - 1000;
    const stagesMs = Object.fromEntries(
      STAGES.map((k) => {
        const { p50, p95 } = percentiles(stageRings[k]);
        return [k, { p50, p95 }];
      }),
    ) as VideoStats['stagesMs'];
    const age = percentiles(frameAge);
    const distinct = paintTimes.countAbove(since);
    return {
      ...s,
      clockOffsetMs,
      receivedFps: arrivalTimes.countAbove(since),
      bytesPerSecond: arrivalBytes.sumWhere(arrivalTimes, since),
      distinctPaintFps: distinct,
      paintFps: distinct + repeatTimes.countAbove(since),
      decodeMs: percentiles(decodeMs),
      frameAgeMs: { p50: age.p50, p95: age.p95 },
      ageAtPaintMs: percentiles(ageAtPaint),
      stagesMs,
      socket: socket?.stats() ?? null,
    };
  },
  reset() {
    pending = null;
    resetStats();
  }, // an in-flight decode still lands in the new counters
  sample(x, y) {
    if (!ctx) throw new Error('not-attached: sample before attach()');
    return Array.from(ctx.getImageData(x, y, 1, 1).data) as Rgba;
  },
  async screenshot() {
    if (!ctx) throw new Error('not-attached: screenshot before attach()');
    if (s.framesPainted === 0 && !onCanvas) throw new Error('no-frame: no frame has been painted yet');
    // convertToBlob copies the bitmap when called, so a draw during the encode can't tear it.
    return ctx.canvas.convertToBlob({ type: 'image/png' });
  },
};

expose(api);
