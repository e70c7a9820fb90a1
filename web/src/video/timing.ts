/**
 * Stage clock arithmetic for one frame, capture to paint, on one clock: the bridge's.
 *
 * The wire frame (protocol/video.ts, protocol 3) carries the source and bridge times on the
 * bridge's clock. The page and its worker stamp their own stages on the page clock
 * (`performance.timeOrigin + performance.now()`, epoch ms) and translate them with the ping/pong
 * clock offset (web/src/lib/connection.ts: `clockOffsetMs` = bridge clock − page clock, taken from
 * the lowest-RTT ping, so its error is at most that RTT / 2). Pure functions and a sample ring:
 * no DOM or worker globals, so the worker, the page and Node tests share it.
 */
import type { VideoStats, VideoTransport } from './api.ts';

/** The wire frame's timing fields. Protocol 2 bridges send only the first three. */
export interface WireTiming {
  seq: number;
  /** Capture time, bridge clock, epoch ms (see captureSource). */
  timestamp: number;
  /** When the bridge handed the frame to this viewer's socket, bridge clock, epoch ms. */
  sentAt: number;
  /** 1: `timestamp` is the source's own capture time; 0: the bridge's receive time stands in. */
  captureSource?: 0 | 1;
  /** The source's grab and JPEG encode durations, ms; 0 when unknown. */
  grabMs?: number;
  encodeMs?: number;
  /** When the whole JPEG had arrived at the bridge, bridge clock, epoch ms. */
  receivedAt?: number;
  /** Frames the bridge skipped for this viewer (backpressure) since the previous one sent to it. */
  skipped?: number;
}

/** The page's own stamps for one frame, page clock, epoch ms. */
export interface PageStamps {
  /** The frame's WebSocket message arrived (the thread that owns the socket got it). */
  receivedAt: number;
  /** The decoder got the JPEG (the frame left the pending slot). */
  decodeStartAt: number;
  /** The decoder returned an image. */
  decodeEndAt: number;
  /** drawImage onto the canvas returned. */
  drawnAt: number;
  /** Painted: see `VideoStats.last` in api.ts for what this time means. */
  paintedAt: number;
}

/** Every stage time of one painted frame, bridge clock, epoch ms (durations in ms). */
export interface FrameTiming {
  seq: number;
  /** -1 when the bridge did not say (protocol 2). */
  captureSource: 0 | 1 | -1;
  captureAt: number;
  grabMs: number;
  encodeMs: number;
  bridgeReceivedAt: number;
  bridgeSentAt: number;
  pageReceivedAt: number;
  decodeStartAt: number;
  decodeEndAt: number;
  drawnAt: number;
  paintedAt: number;
  /** Frame age at paint: paintedAt − captureAt, ms. */
  ageAtPaintMs: number;
  /** The clock offset the page times were translated with (bridge − page), ms. */
  clockOffsetMs: number;
}

/**
 * The stages of a frame's life, each a duration in ms:
 * - grab, encode: the source's own figures (uStreamer headers; 0 when the source gives none);
 * - toBridge: capture → whole JPEG at the bridge (0 when the bridge's receive time is the capture time);
 * - relay: bridge received → handed to this viewer's socket;
 * - network: bridge sent → page received (socket, kernel, browser; includes the clock offset's error);
 * - queue: page received → decode start (hand-off to the worker, waiting behind a running decode);
 * - decode: JPEG decode; draw: drawImage; present: drawn → painted;
 * - total: capture → painted, the frame age at paint.
 */
export const STAGES = [
  'grab',
  'encode',
  'toBridge',
  'relay',
  'network',
  'queue',
  'decode',
  'draw',
  'present',
  'total',
] as const;
export type Stage = (typeof STAGES)[number];

/** A page-clock time on the bridge's clock: `offsetMs` is bridge clock − page clock. */
export const toBridgeClock = (pageMs: number, offsetMs: number): number => pageMs + offsetMs;

/**
 * One frame's stage times on the bridge clock. A protocol 2 frame (no receivedAt) gets
 * bridgeReceivedAt = timestamp, so toBridge is 0 rather than a made-up number.
 */
export function frameTiming(wire: WireTiming, page: PageStamps, offsetMs: number): FrameTiming {
  const b = (t: number) => toBridgeClock(t, offsetMs);
  const paintedAt = b(page.paintedAt);
  return {
    seq: wire.seq,
    captureSource: wire.captureSource ?? -1,
    captureAt: wire.timestamp,
    grabMs: wire.grabMs ?? 0,
    encodeMs: wire.encodeMs ?? 0,
    bridgeReceivedAt: wire.receivedAt ?? wire.timestamp,
    bridgeSentAt: wire.sentAt,
    pageReceivedAt: b(page.receivedAt),
    decodeStartAt: b(page.decodeStartAt),
    decodeEndAt: b(page.decodeEndAt),
    drawnAt: b(page.drawnAt),
    paintedAt,
    ageAtPaintMs: paintedAt - wire.timestamp,
    clockOffsetMs: offsetMs,
  };
}

/** The stage durations of one frame, ms (see STAGES). */
export function stageDurations(t: FrameTiming): Record<Stage, number> {
  return {
    grab: t.grabMs,
    encode: t.encodeMs,
    toBridge: t.bridgeReceivedAt - t.captureAt,
    relay: t.bridgeSentAt - t.bridgeReceivedAt,
    network: t.pageReceivedAt - t.bridgeSentAt,
    queue: t.decodeStartAt - t.pageReceivedAt,
    decode: t.decodeEndAt - t.decodeStartAt,
    draw: t.drawnAt - t.decodeEndAt,
    present: t.paintedAt - t.drawnAt,
    total: t.ageAtPaintMs,
  };
}

/** Percentiles of a window, ms; 0 when it is empty. */
export interface Percentiles {
  p50: number;
  p95: number;
}

/** Fixed-size ring of the most recent samples. */
export class Ring {
  private readonly buf: Float64Array;
  private n = 0;
  constructor(readonly size = 300) {
    this.buf = new Float64Array(size);
  }
  push(v: number): void {
    this.buf[this.n++ % this.size] = v;
  }
  clear(): void {
    this.n = 0;
  }
  get length(): number {
    return Math.min(this.n, this.size);
  }
  /** The samples, ascending. */
  sorted(): Float64Array {
    return this.buf.slice(0, this.length).sort();
  }
  /** Samples greater than `t` (for "in the last second" counts of time stamps). */
  countAbove(t: number): number {
    let c = 0;
    for (let i = 0; i < this.length; i++) if (this.buf[i]! > t) c++;
    return c;
  }
  /** Sum of the samples whose paired time stamp in `times` is greater than `t`. */
  sumWhere(times: Ring, t: number): number {
    let s = 0;
    for (let i = 0; i < this.length; i++) if (times.buf[i]! > t) s += this.buf[i]!;
    return s;
  }
}

/** Nearest-rank percentile of ascending samples (p in 0..1); 0 for none. */
export const pct = (sorted: Float64Array, p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

export const percentiles = (r: Ring): Percentiles & { max: number } => {
  const s = r.sorted();
  return { p50: pct(s, 0.5), p95: pct(s, 0.95), max: s.length ? s[s.length - 1]! : 0 };
};

/**
 * True when `a` and `b` hold the same bytes: the encoder's byte-identical repeat of a frame.
 * Exact, not a hash (no collisions to reason about): JPEGs of different pictures almost never have
 * the same length, so the byte loops run for real repeats (a static screen) and cost well under a
 * decode (about 0.3 ms for 500 KB).
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  // Entropy-coded data differs everywhere after the first changed block, so a sparse pass over
  // the whole file finds most differences in 1/61 of the work before the exact pass.
  for (let i = a.byteLength - 1; i >= 0; i -= 61) if (a[i] !== b[i]) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Stats before the first frame: every counter 0, no sample, `lastSeq` -1. The page and the worker both start from it. */
export function emptyStats(transport: VideoTransport): VideoStats {
  return {
    transport,
    framesReceived: 0,
    framesPainted: 0,
    framesRepeated: 0,
    framesDropped: 0,
    framesOverdrawn: 0,
    framesSkippedAtBridge: 0,
    decodeErrors: 0,
    lastError: '',
    decoder: 'none',
    width: 0,
    height: 0,
    receivedFps: 0,
    bytesPerSecond: 0,
    bytesReceived: 0,
    paintFps: 0,
    distinctPaintFps: 0,
    decodeMs: { p50: 0, p95: 0, max: 0 },
    frameAgeMs: { p50: 0, p95: 0 },
    ageAtPaintMs: { p50: 0, p95: 0, max: 0 },
    stagesMs: Object.fromEntries(STAGES.map((k) => [k, { p50: 0, p95: 0 }])) as VideoStats['stagesMs'],
    last: null,
    clockOffsetMs: 0,
    lastSeq: -1,
    socket: null,
    postErrors: 0,
  };
}
