/**
 * The contract between the page (video-client.ts) and the video worker (video.worker.ts), spoken
 * over comlink. Types only: this file is type-checked both with the DOM lib (page) and with the
 * WebWorker lib (worker), so it must not touch globals of either.
 *
 * Clocks: the page and the worker stamp times on the page clock, `performance.timeOrigin +
 * performance.now()` (epoch ms; both threads derive it from the same wall clock). Every stage time
 * in `VideoStats.last` and `VideoStats.stagesMs` is on the **bridge's** clock: page stamps are
 * translated with the ping/pong offset the page passes in with setClockOffset() (see timing.ts).
 */
import type { FrameTiming, Percentiles, Stage, WireTiming } from './timing.ts';

export type { FrameTiming, Percentiles, Stage, WireTiming } from './timing.ts';

/** Which decoder painted the most recent frame. */
export type VideoDecoderKind = 'ImageDecoder' | 'createImageBitmap' | 'none';

/**
 * Where frames reach the worker (issue 11 §3):
 * - page (A): on the page's main WebSocket, decoded from MessagePack on the main thread, then
 *   transferred to the worker;
 * - worker (B): the worker owns a `/ws/video` WebSocket and decodes MessagePack itself; the page's
 *   main socket says 'no-video' in its hello.
 */
export type VideoTransport = 'page' | 'worker';

/** One RGBA pixel, each channel 0..255. */
export type Rgba = [r: number, g: number, b: number, a: number];

/** The worker's own `/ws/video` socket (transport 'worker'). */
export interface VideoSocketStats {
  /** As web/src/lib/connection.ts ConnectionState. */
  state: 'connecting' | 'open' | 'closed' | 'refused';
  /** Why the last connection ended, '' while open. */
  detail: string;
  /** Connections opened after the first. */
  reconnects: number;
  /** Messages refused by the protocol decoder, by error code. */
  decodeErrors: Record<string, number>;
}

/**
 * A snapshot of the worker's counters and timings. Counters run from the last reset(). Every frame
 * that reached the worker ends in exactly one of: painted, repeated, dropped (replaced while
 * pending), decode error; so `framesReceived = framesPainted + framesRepeated + framesDropped +
 * decodeErrors` once the worker is idle.
 */
export interface VideoStats {
  transport: VideoTransport;
  /** frame() calls (transport page) or frame messages (transport worker) that reached the worker. */
  framesReceived: number;
  /** Frames decoded and drawn to the canvas. */
  framesPainted: number;
  /**
   * Byte-identical repeats of the frame on the canvas (an encoder that repeats a frame when it
   * falls behind, or a static screen): not decoded or drawn, since they cannot change a pixel.
   */
  framesRepeated: number;
  /** Replaced while pending: a waiting frame replaced by a newer one before its decode began. */
  framesDropped: number;
  /** Drawn but drawn over by a newer frame before any display frame showed it (not painted). */
  framesOverdrawn: number;
  /** Skipped at the bridge for backpressure: the sum of the wire frames' `skipped`. */
  framesSkippedAtBridge: number;
  /** Frames no decoder could decode (corrupt JPEG), or that arrived before attach(). */
  decodeErrors: number;
  /** Message of the most recent error, '' if none since reset. */
  lastError: string;
  /** Decoder in use: the one that decoded the last frame, 'none' before the first. */
  decoder: VideoDecoderKind;
  /** Canvas (= last painted frame) size in px; 0 before the first paint. */
  width: number;
  height: number;
  /** Frames that reached the worker in the last 1000 ms (the bridge's sent fps, as seen here). */
  receivedFps: number;
  /** JPEG bytes that reached the worker in the last 1000 ms, bytes/s. */
  bytesPerSecond: number;
  /** JPEG bytes received since reset. */
  bytesReceived: number;
  /** Painted frames plus repeats in the last 1000 ms: the rate at which the canvas is current. */
  paintFps: number;
  /** Painted frames in the last 1000 ms, each different from the one before (repeats not counted). */
  distinctPaintFps: number;
  /** Decode time in ms (performance.now() around the decode only) over the last 300 decodes. */
  decodeMs: Percentiles & { max: number };
  /** Page received → painted, ms, over the last 300 paints (the page's part of the age only). */
  frameAgeMs: Percentiles;
  /** Frame age at paint: painted − capture time on the bridge clock, ms, over the last 300 paints. */
  ageAtPaintMs: Percentiles & { max: number };
  /** Each stage's duration (timing.ts STAGES), ms, over the last 300 paints. */
  stagesMs: Record<Stage, Percentiles>;
  /**
   * The last painted frame's stage times, bridge clock, epoch ms; null before the first paint.
   * "Painted" (`paintedAt`) is when the first display frame after the draw began: the worker
   * draws on its OffscreenCanvas (transferControlToOffscreen), the draw is committed to the
   * compositor when that task ends, and the worker's next requestAnimationFrame callback runs at
   * the start (BeginFrame) of the display frame that carries it. The picture reaches the glass
   * within that display frame (16.7 ms at 60 Hz, plus the display's own latency, which no page can
   * see). Where workers have no requestAnimationFrame, paintedAt is drawnAt.
   */
  last: FrameTiming | null;
  /** Bridge clock − page clock in use, ms (setClockOffset). */
  clockOffsetMs: number;
  /** seq of the last painted (or repeated) frame, -1 before the first. */
  lastSeq: number;
  /** Transport 'worker' only, else null. */
  socket: VideoSocketStats | null;
  /**
   * Page side only: frame() posts the page could not deliver (comlink rejections). The worker
   * always reports 0; video-client.ts fills it in.
   */
  postErrors: number;
}

/** The wire frame's fields the worker uses, next to the JPEG bytes (see timing.ts WireTiming). */
export type FrameMeta = WireTiming & {
  /** Page clock, epoch ms, when the page's socket delivered the message. */
  pageReceivedAt: number;
};

/** Where the worker's own video socket connects (transport 'worker'). */
export interface VideoSocketOptions {
  /** e.g. `wss://kvm.local/ws/video`. */
  url: string;
  /** The session token for the hello (POST /api/login), base64url. */
  token: string;
}

/** What video.worker.ts exposes with comlink `expose`. */
export interface VideoWorkerApi {
  /** Take ownership of the page canvas (transferred via `canvas.transferControlToOffscreen()`). */
  attach(canvas: OffscreenCanvas): void;
  /**
   * One JPEG, at `byteOffset`/`byteLength` inside `buffer` (the whole, transferred WebSocket
   * message), with its wire timing and the page's arrival time. Newest wins: one decode runs at a
   * time and only the newest waiting frame is kept.
   */
  frame(buffer: ArrayBuffer, byteOffset: number, byteLength: number, meta: FrameMeta): void;
  /** Bridge clock − page clock, ms (web/src/lib/connection.ts ConnectionInfo.clockOffsetMs). */
  setClockOffset(offsetMs: number): void;
  /**
   * Transport 'worker': open `/ws/video` with the same hello as the main socket, decode
   * MessagePack here, reconnect with backoff (250 ms doubling to 5 s, ±20 %); refused for good on a
   * version or auth refusal (the main socket reports those to the user). Calling it again replaces
   * the socket.
   */
  openSocket(opts: VideoSocketOptions): void;
  stats(): VideoStats;
  /** Zero the counters and timing windows and drop any pending frame; keeps the canvas and decoder choice. */
  reset(): void;
  /**
   * Debugging aid (tests, bug reports): the canvas pixel at (x, y) in canvas px, read with the
   * OffscreenCanvas 2D context's getImageData, since the page can no longer read a transferred canvas.
   */
  sample(x: number, y: number): Rgba;
  /**
   * The last painted frame as a PNG (OffscreenCanvas.convertToBlob, type 'image/png'), at the
   * video's size. Rejects with VideoError 'no-frame' before the first paint.
   */
  screenshot(): Promise<Blob>;
}

/** Error codes the worker raises across comlink (as `{ code, message }` in Error.message: "code: …"). */
export type VideoErrorCode = 'no-frame' | 'not-attached';
