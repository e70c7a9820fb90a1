import { DEFAULT_MAX_PART_BYTES } from './multipart.ts';
import { Supervisor } from './supervisor.ts';

/**
 * The bridge's video input: a multipart MJPEG stream (RFC 2046 §5.1) from uStreamer over HTTP or
 * from a command's stdout, parsed into JPEG frames (size from the SOFn header, ITU T.81 Annex B),
 * with reconnection and a signal state for clients. Errors never throw: they become a signal
 * (present:false + reason), a rate-limited log line, and counters in stats().
 */
export type VideoSourceConfig =
  | { kind: 'http'; url: string } // e.g. uStreamer http://127.0.0.1:8080/stream
  | { kind: 'command'; argv: string[] }; // e.g. ffmpeg ... -f mpjpeg -

export interface VideoFrame {
  /** 1 for the first forwarded frame, +1 per forwarded frame for the source's lifetime (across reconnects). */
  seq: number;
  /** Capture time on the bridge's clock, ms since Unix epoch (see captureSource). */
  timestamp: number;
  /** 1: timestamp is the source's own capture time (uStreamer headers); 0: it is receivedAt. */
  captureSource: 0 | 1;
  /** The source's grab and JPEG encode durations, ms; 0 when unknown. */
  grabMs: number;
  encodeMs: number;
  /** The part body, a JPEG starting with SOI; its own Buffer (not a view into a shared chunk). */
  jpeg: Buffer;
  /** Pixels, from the JPEG's frame header. */
  width: number;
  height: number;
  /** Bridge receive time, ms since epoch (performance.timeOrigin + performance.now()). */
  receivedAt: number;
}

export interface VideoSignal {
  present: boolean;
  /** Pixels; 0 when not present. */
  width: number;
  height: number;
  /**
   * Frames per second, one decimal: the mean frame interval over the last 1 s; 0 until two frames
   * were seen, or when not present. Updated at most once per second, and only when it moves by
   * ≥ 1 fps and ≥ 10 % (see signal.ts), so steady jitter does not produce updates.
   */
  fps: number;
  /** Why the signal is absent, `code: message` (see errors.ts). */
  reason?: string;
}

export interface VideoSourceHandlers {
  onFrame(frame: VideoFrame): void;
  onSignal(signal: VideoSignal): void;
  log?(line: string): void;
}

export interface VideoSourceStats {
  /** Frames forwarded to onFrame. */
  frames: number;
  /** Bytes received from the source (HTTP body or stdout), including bad parts. */
  bytes: number;
  /** Parts dropped: not a JPEG with a size, or a framing error (oversized part/headers, lying Content-Length). */
  badParts: number;
  /** Connection attempts after the first (HTTP reconnects, command restarts). */
  reconnects: number;
  /** A stream is open now (HTTP 200 multipart received, or the child is running). */
  connected: boolean;
  /**
   * Frames by how their capture time was found (source-clock.ts): uStreamer's monotonic times on
   * this host, via its per-part realtime pair, or none (the bridge's receive time stands in).
   */
  captureClock: { monotonic: number; realtime: number; none: number };
}

export interface VideoSource {
  /** Closes the connection or kills the child and clears timers; no handler is called afterwards. Idempotent. */
  stop(): void;
  stats(): VideoSourceStats;
}

export interface VideoSourceOptions {
  /** Reconnect delay, ms: `initial` doubled per consecutive failure up to `max`; reset by a good frame. Default DEFAULT_BACKOFF_MS. */
  backoffMs?: { initial: number; max: number };
  /** No good frame for this long (ms) counts as the source gone: present:false and reconnect. Default 2000. */
  noSignalAfterMs?: number;
  /** Largest part accepted, bytes; default 8 MiB (protocol MAX_JPEG_BYTES). */
  maxPartBytes?: number;
}

/**
 * Reconnect delays, ms: 100, 200, 400 … 5000. A source that was streaming (its last frame reset
 * the backoff) is retried after 100 ms, so a killed capture process has frames back within 1 s
 * (ffmpeg's x11grab/v4l2 start takes 300–600 ms; test/faults/video.test.ts); one that stays down
 * is polled every 5 s.
 */
export const DEFAULT_BACKOFF_MS: Readonly<{ initial: number; max: number }> = { initial: 100, max: 5_000 };

/** Starts reading `config` at once; frames and signal changes arrive through `handlers`. */
export function startVideoSource(
  config: VideoSourceConfig,
  handlers: VideoSourceHandlers,
  opts: VideoSourceOptions = {},
): VideoSource {
  return new Supervisor(config, handlers, {
    backoffMs: opts.backoffMs ?? DEFAULT_BACKOFF_MS,
    noSignalAfterMs: opts.noSignalAfterMs ?? 2_000,
    maxPartBytes: opts.maxPartBytes ?? DEFAULT_MAX_PART_BYTES,
  });
}
