import { arity, bin, num, uint } from './fields.ts';

export const VideoTag = { frame: 0x30 } as const;

/** Largest JPEG a frame may carry, bytes. A 1080p text-heavy screen at q80 is about 520 KB. */
export const MAX_JPEG_BYTES = 8 * 1024 * 1024;

/** Where a frame's `timestamp` comes from. */
export const CaptureSource = {
  /** The bridge's receive time stands in for capture (ffmpeg stdout, or no usable source header). */
  received: 0,
  /** The source's own capture time (uStreamer X-Timestamp / extra headers), on the bridge's clock. */
  source: 1,
} as const;
export type CaptureSource = (typeof CaptureSource)[keyof typeof CaptureSource];

/**
 * One MJPEG frame. Wire (protocol 3):
 * `[0x30, seq, timestamp, sentAt, jpeg: bin, captureSource, grabMs, encodeMs, receivedAt, skipped]`.
 * Every time is ms on the bridge's clock (ms since the Unix epoch, float allowed); the page maps
 * them to its own clock with the ping/pong offset.
 * - seq: increments per frame from the source (gaps mean frames skipped for this viewer);
 * - timestamp: capture time (see captureSource);
 * - sentAt: when the bridge handed this frame to this viewer's socket;
 * - jpeg: the JPEG bytes as a MessagePack bin field, never base64. After decode() it is a view
 *   into the received buffer, so the page can transfer that buffer to the decoder worker;
 * - captureSource: 0 = timestamp is the bridge's receive time, 1 = the source's capture time;
 * - grabMs, encodeMs: the source's grab and JPEG encode durations, ms (0 when unknown);
 * - receivedAt: when the whole JPEG had arrived at the bridge;
 * - skipped: frames this viewer skipped (backpressure) since the previous frame sent to it.
 */
export interface Frame {
  type: 'frame';
  seq: number;
  timestamp: number;
  sentAt: number;
  jpeg: Uint8Array;
  captureSource: CaptureSource;
  grabMs: number;
  encodeMs: number;
  receivedAt: number;
  skipped: number;
}

export type VideoMessage = Frame;

export function videoToWire(m: VideoMessage): unknown[] {
  return [
    VideoTag.frame,
    m.seq,
    m.timestamp,
    m.sentAt,
    m.jpeg,
    m.captureSource,
    m.grabMs,
    m.encodeMs,
    m.receivedAt,
    m.skipped,
  ];
}

const CAPTURE_SOURCES: readonly CaptureSource[] = [0, 1];

export function videoFromWire(tag: number, w: readonly unknown[]): VideoMessage | undefined {
  if (tag !== VideoTag.frame) return undefined;
  arity(w, 'frame', 9);
  const source = uint(w[5], 'frame.captureSource', 1);
  return {
    type: 'frame',
    seq: uint(w[1], 'frame.seq'),
    timestamp: num(w[2], 'frame.timestamp'),
    sentAt: num(w[3], 'frame.sentAt'),
    jpeg: bin(w[4], 'frame.jpeg', { max: MAX_JPEG_BYTES }),
    captureSource: CAPTURE_SOURCES[source]!,
    grabMs: num(w[6], 'frame.grabMs'),
    encodeMs: num(w[7], 'frame.encodeMs'),
    receivedAt: num(w[8], 'frame.receivedAt'),
    skipped: uint(w[9], 'frame.skipped', 0xffffffff),
  };
}
