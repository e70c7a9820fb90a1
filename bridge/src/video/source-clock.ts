/**
 * uStreamer's per-part timing headers, translated to the bridge's clock.
 *
 * What uStreamer sends (pikvm/ustreamer src/ustreamer/http/server.c, `/stream?extra_headers=1`,
 * each value in seconds with 6 decimals and ms resolution, src/libs/tools.h us_get_now()):
 * - `X-Timestamp`: CLOCK_REALTIME when the part's headers are written (its send time, not capture);
 * - `X-UStreamer-Grab-Begin-Time`: the V4L2 buffer timestamp, i.e. when the driver captured the
 *   frame (src/libs/capture.c; V4L2 stamps buffers with CLOCK_MONOTONIC);
 * - `X-UStreamer-Grab-End-Time`: CLOCK_MONOTONIC when uStreamer dequeued the buffer;
 * - `X-UStreamer-Encode-Begin-Time`, `-Encode-End-Time`: CLOCK_MONOTONIC around the JPEG encode
 *   (src/libs/frame.h); with `--encoder=HW` passing the device's MJPEG through, nearly equal;
 * - `X-UStreamer-Expose-Begin-Time`, `-Expose-Cmp-Time`, `-Expose-End-Time`: CLOCK_MONOTONIC while
 *   the HTTP thread took the frame over (and compared it, for --drop-same-frames);
 * - `X-UStreamer-Send-Time`: CLOCK_MONOTONIC read right after X-Timestamp's CLOCK_REALTIME.
 * Without `extra_headers=1` only X-Timestamp comes, which is a send time: the bridge then uses its
 * own receive time (captureSource 0).
 *
 * The bridge's clock is `performance.timeOrigin + performance.now()`. On Linux, Node's
 * performance.now() and process.hrtime() both read libuv's uv_hrtime(), which is
 * CLOCK_MONOTONIC: so on the same host (the Pi runs both) a monotonic time maps to the bridge's
 * clock by one constant offset. When uStreamer runs elsewhere (a monotonic time that lands in
 * the future or too far in the past), the per-part pair X-Timestamp / Send-Time gives uStreamer's
 * realtime−monotonic offset instead, and its realtime maps to the bridge's clock through
 * `Date.now()` (right to within the two hosts' NTP error). If neither is plausible, the frame
 * gets captureSource 0.
 */

/** Monotonic (uv_hrtime, ms) → bridge clock (ms since epoch) offset; constant for the process's life. */
export function monotonicOffsetMs(): number {
  const hr = Number(process.hrtime.bigint()) / 1e6;
  return performance.timeOrigin + performance.now() - hr;
}

/** Bridge clock minus CLOCK_REALTIME, ms (0 unless the realtime clock was stepped since start). */
export function realtimeOffsetMs(): number {
  return performance.timeOrigin + performance.now() - Date.now();
}

/** A frame's source timing, on the bridge's clock. */
export interface SourceTiming {
  /** Capture time, ms since epoch (bridge clock); receivedAt when captureSource is 0. */
  timestamp: number;
  captureSource: 0 | 1;
  /** Grab begin → grab end (driver capture → uStreamer dequeue), ms; 0 when unknown. */
  grabMs: number;
  /** Encode begin → end, ms; 0 when unknown. */
  encodeMs: number;
  /** How the times were mapped: 'monotonic' (same host), 'realtime' (per-part X-Timestamp pair), 'none'. */
  clock: 'monotonic' | 'realtime' | 'none';
}

/** How far a source send time may lie before the bridge's receive time and still be believed, ms. */
export const MAX_SOURCE_AGE_MS = 10_000;
/** How far after the receive time it may lie (the headers' ms rounding, clock read order), ms. */
export const MAX_SOURCE_LEAD_MS = 2;

export interface ClockOffsets {
  /** Bridge clock − CLOCK_MONOTONIC, ms: monotonicOffsetMs(). */
  monotonic: number;
  /** Bridge clock − CLOCK_REALTIME, ms: realtimeOffsetMs(). */
  realtime: number;
}

const SECONDS = /^\d{1,12}(\.\d{1,9})?$/;

/** A header's seconds value as ms, or undefined when missing or not a plain non-negative decimal. */
function ms(headers: ReadonlyMap<string, string>, name: string): number | undefined {
  const v = headers.get(name);
  return v !== undefined && SECONDS.test(v) ? Number(v) * 1000 : undefined;
}

/** A duration from two header times, ms, rounded to 0.001; 0 when either is missing or it is negative. */
const span = (a: number | undefined, b: number | undefined): number =>
  a !== undefined && b !== undefined && b >= a ? Math.round((b - a) * 1000) / 1000 : 0;

/**
 * Reads one part's uStreamer headers (names lower-cased, as MultipartParser gives them) and maps
 * the capture time to the bridge's clock. Pure: the offsets and receivedAt come in.
 * @param receivedAt when the whole part had arrived, bridge clock, ms since epoch
 */
export function sourceTiming(
  headers: ReadonlyMap<string, string>,
  receivedAt: number,
  offsets: ClockOffsets,
): SourceTiming {
  const grabBegin = ms(headers, 'x-ustreamer-grab-begin-time');
  const grabEnd = ms(headers, 'x-ustreamer-grab-end-time');
  const encodeBegin = ms(headers, 'x-ustreamer-encode-begin-time');
  const encodeEnd = ms(headers, 'x-ustreamer-encode-end-time');
  const sendMono = ms(headers, 'x-ustreamer-send-time');
  const sendReal = ms(headers, 'x-timestamp');
  const durations = { grabMs: span(grabBegin, grabEnd), encodeMs: span(encodeBegin, encodeEnd) };
  const none: SourceTiming = { timestamp: receivedAt, captureSource: 0, clock: 'none', ...durations };
  if (grabBegin === undefined || sendMono === undefined || grabBegin > sendMono) return none;
  const plausible = (sendBridge: number): boolean =>
    sendBridge <= receivedAt + MAX_SOURCE_LEAD_MS && receivedAt - sendBridge <= MAX_SOURCE_AGE_MS;
  if (plausible(sendMono + offsets.monotonic)) {
    return { timestamp: grabBegin + offsets.monotonic, captureSource: 1, clock: 'monotonic', ...durations };
  }
  if (sendReal !== undefined) {
    const monoToBridge = sendReal - sendMono + offsets.realtime;
    if (plausible(sendMono + monoToBridge)) {
      return { timestamp: grabBegin + monoToBridge, captureSource: 1, clock: 'realtime', ...durations };
    }
  }
  return none;
}
