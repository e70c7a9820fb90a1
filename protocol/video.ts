import { arity, bin, num, uint } from './fields.ts';

export const VideoTag = { frame: 0x30 } as const;

/** Largest JPEG a frame may carry, bytes. A 1080p text-heavy screen at q80 is about 520 KB. */
export const MAX_JPEG_BYTES = 8 * 1024 * 1024;

/**
 * One MJPEG frame. Wire: `[0x30, seq, timestamp, sentAt, jpeg: bin]`.
 * - seq: increments per frame from the source (gaps mean frames skipped for this viewer);
 * - timestamp: the source's capture time, ms since the Unix epoch (uStreamer's X-Timestamp);
 * - sentAt: the bridge's clock when it sent the frame, ms since epoch;
 * - jpeg: the JPEG bytes as a MessagePack bin field, never base64. After decode() it is a view
 *   into the received buffer, so the page can transfer that buffer to the decoder worker.
 */
export interface Frame {
  type: 'frame';
  seq: number;
  timestamp: number;
  sentAt: number;
  jpeg: Uint8Array;
}

export type VideoMessage = Frame;

export function videoToWire(m: VideoMessage): unknown[] {
  return [VideoTag.frame, m.seq, m.timestamp, m.sentAt, m.jpeg];
}

export function videoFromWire(tag: number, w: readonly unknown[]): VideoMessage | undefined {
  if (tag !== VideoTag.frame) return undefined;
  arity(w, 'frame', 4);
  return {
    type: 'frame',
    seq: uint(w[1], 'frame.seq'),
    timestamp: num(w[2], 'frame.timestamp'),
    sentAt: num(w[3], 'frame.sentAt'),
    jpeg: bin(w[4], 'frame.jpeg', { max: MAX_JPEG_BYTES }),
  };
}
