/**
 * Video worker: decodes MJPEG frames and paints them on the page's transferred OffscreenCanvas,
 * so JPEG decode and drawing never block the page's input handling.
 *
 * Decoders: WebCodecs `ImageDecoder` (https://w3c.github.io/webcodecs/#imagedecoder-interface,
 * type 'image/jpeg') when present, else `createImageBitmap(Blob)`. If the preferred decoder fails
 * on a frame the other one decodes, the frame was fine and the decoder is not: switch for good.
 * If every decoder fails, the JPEG is corrupt: count it and carry on with the next frame.
 */
import { expose } from 'comlink';
import type { Rgba, VideoDecoderKind, VideoStats, VideoWorkerApi } from './api.ts';

interface Pending {
  bytes: Uint8Array<ArrayBuffer>;
  seq: number;
  receivedAt: number;
}
/** A decoded image ready for drawImage; close() frees its (possibly GPU) memory. */
interface Decoded {
  image: VideoFrame | ImageBitmap;
  width: number;
  height: number;
}
type Decode = (bytes: Uint8Array<ArrayBuffer>) => Promise<Decoded>;

const WINDOW = 300;
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

/** Fixed-size ring of recent samples (ms). */
class Ring {
  private readonly buf = new Float64Array(WINDOW);
  private n = 0;
  push(v: number) {
    this.buf[this.n++ % WINDOW] = v;
  }
  clear() {
    this.n = 0;
  }
  values(): Float64Array {
    return this.buf.slice(0, Math.min(this.n, WINDOW)).sort();
  }
}
const pct = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

let ctx: OffscreenCanvasRenderingContext2D | null = null;
let pending: Pending | null = null;
let busy = false;
let s: VideoStats;
const decodeMs = new Ring();
const frameAge = new Ring();
const paintTimes = new Ring();

function resetStats() {
  s = {
    framesReceived: 0,
    framesPainted: 0,
    framesDropped: 0,
    decodeErrors: 0,
    lastError: '',
    decoder: 'none',
    width: ctx?.canvas.width ?? 0,
    height: ctx?.canvas.height ?? 0,
    paintFps: 0,
    decodeMs: { p50: 0, p95: 0, max: 0 },
    frameAgeMs: { p50: 0, p95: 0 },
    lastSeq: -1,
    postErrors: 0,
  };
  decodeMs.clear();
  frameAge.clear();
  paintTimes.clear();
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

async function paint(f: Pending) {
  if (!ctx) throw new Error('frame before attach()');
  const t0 = performance.now();
  const [d, kind] = await decode(f.bytes);
  decodeMs.push(performance.now() - t0);
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
  const t = now();
  frameAge.push(t - f.receivedAt);
  paintTimes.push(t);
  Object.assign(s, {
    framesPainted: s.framesPainted + 1,
    decoder: kind,
    width: d.width,
    height: d.height,
    lastSeq: f.seq,
  });
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

const api: VideoWorkerApi = {
  attach(canvas) {
    ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) fail(new Error('OffscreenCanvas 2d context unavailable'));
  },
  frame(buffer, byteOffset, byteLength, seq, _timestamp, _sentAt, receivedAt) {
    s.framesReceived++;
    if (pending) s.framesDropped++;
    pending = { bytes: new Uint8Array(buffer, byteOffset, byteLength), seq, receivedAt };
    if (!busy) pump().catch(fail);
  },
  stats() {
    const d = decodeMs.values();
    const a = frameAge.values();
    const since = now() - 1000;
    return {
      ...s,
      paintFps: paintTimes.values().filter((t) => t > since).length,
      decodeMs: { p50: pct(d, 0.5), p95: pct(d, 0.95), max: d.length ? d[d.length - 1]! : 0 },
      frameAgeMs: { p50: pct(a, 0.5), p95: pct(a, 0.95) },
    };
  },
  reset() {
    pending = null;
    resetStats();
  }, // an in-flight decode still lands in the new counters
  sample(x, y) {
    if (!ctx) throw new Error('sample before attach()');
    return Array.from(ctx.getImageData(x, y, 1, 1).data) as Rgba;
  },
};

expose(api);
