/**
 * The contract between the page (video-client.ts) and the video worker (video.worker.ts), spoken
 * over comlink. Types only: this file is type-checked both with the DOM lib (page) and with the
 * WebWorker lib (worker), so it must not touch globals of either.
 *
 * Clock: every timestamp named `…At` is epoch ms on the page/worker shared clock,
 * `performance.timeOrigin + performance.now()`; both threads derive it from the same wall clock,
 * so a worker paint time minus a page arrival time is a meaningful age.
 */

/** Which decoder painted the most recent frame. */
export type VideoDecoderKind = 'ImageDecoder' | 'createImageBitmap' | 'none';

/** Percentiles of a sample window, in ms. 0 when the window is empty. */
export interface Percentiles {
  p50: number;
  p95: number;
}

/** One RGBA pixel, each channel 0..255. */
export type Rgba = [r: number, g: number, b: number, a: number];

/** A snapshot of the worker's counters and timings. Counters run from the last reset(). */
export interface VideoStats {
  /** frame() calls that reached the worker. */
  framesReceived: number;
  /** Frames decoded and drawn to the canvas. */
  framesPainted: number;
  /** Stale frames: a pending frame replaced by a newer one before its decode began. */
  framesDropped: number;
  /** Frames no decoder could decode (corrupt JPEG), or that arrived before attach(). */
  decodeErrors: number;
  /** Message of the most recent error, '' if none since reset. */
  lastError: string;
  /** Decoder in use: the one that decoded the last frame, 'none' before the first. */
  decoder: VideoDecoderKind;
  /** Canvas (= last painted frame) size in px; 0 before the first paint. */
  width: number;
  height: number;
  /** Frames painted within the last 1000 ms, i.e. frames per second. */
  paintFps: number;
  /** Decode time in ms (performance.now() around the decode only) over the last 300 decodes. */
  decodeMs: Percentiles & { max: number };
  /** Paint time minus the page's receivedAt, in ms, over the last 300 paints. */
  frameAgeMs: Percentiles;
  /** seq of the last painted frame, -1 before the first. */
  lastSeq: number;
  /**
   * Page side only: frame() posts the page could not deliver (comlink rejections). The worker
   * always reports 0; video-client.ts fills it in.
   */
  postErrors: number;
}

/** What video.worker.ts exposes with comlink `expose`. */
export interface VideoWorkerApi {
  /** Take ownership of the page canvas (transferred via `canvas.transferControlToOffscreen()`). */
  attach(canvas: OffscreenCanvas): void;
  /**
   * One JPEG, at `byteOffset`/`byteLength` inside `buffer` (the whole, transferred WebSocket
   * message). `seq`, `timestamp` (capture, bridge clock, ms) and `sentAt` (bridge clock, ms) are
   * from the wire frame; `receivedAt` is page-clock epoch ms at arrival (see the clock note above).
   * Newest wins: one decode runs at a time and only the newest waiting frame is kept.
   */
  frame(
    buffer: ArrayBuffer,
    byteOffset: number,
    byteLength: number,
    seq: number,
    timestamp: number,
    sentAt: number,
    receivedAt: number,
  ): void;
  stats(): VideoStats;
  /** Zero the counters and timing windows and drop any pending frame; keeps the canvas and decoder choice. */
  reset(): void;
  /**
   * Debugging aid (tests, bug reports): the canvas pixel at (x, y) in canvas px, read with the
   * OffscreenCanvas 2D context's getImageData, since the page can no longer read a transferred canvas.
   */
  sample(x: number, y: number): Rgba;
}
