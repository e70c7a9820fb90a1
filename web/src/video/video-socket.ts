/**
 * Transport 'worker' (issue 11 §3 B): the video worker's own `/ws/video` WebSocket. It is the
 * page's connection code (web/src/lib/connection.ts) run in the worker: the same hello with the
 * session token, the same backoff (250 ms doubling to 5 s, ±20 % jitter) and refusal end states,
 * and MessagePack decoded here, so frame bytes never touch the main thread. The bridge sends only
 * `video-status` and `frame` on this socket (CONTRACT.md "Video-only socket").
 *
 * Runs in the worker; type-checked with both the WebWorker lib and the DOM lib, so it uses only
 * globals both have (WebSocket, performance, timers).
 */
import type { Frame } from '../../../protocol/index.ts';
import { makeConnection, type ConnectionInfo } from '../lib/connection.ts';
import type { FrameMeta, VideoSocketOptions, VideoSocketStats, WireTiming } from './api.ts';

export interface VideoSocket {
  stats(): VideoSocketStats;
  dispose(): void;
}

/** The hello's capabilities on the video socket. */
export const VIDEO_SOCKET_CAPABILITIES = ['video'];

/** Opens the socket and hands every frame's JPEG (a view into its message's buffer) to `onFrame`. */
export function openVideoSocket(
  opts: VideoSocketOptions,
  onFrame: (jpeg: Uint8Array<ArrayBuffer>, meta: FrameMeta) => void,
): VideoSocket {
  let info: ConnectionInfo | null = null;
  let connects = 0;
  const conn = makeConnection({
    url: opts.url,
    token: () => opts.token,
    capabilities: VIDEO_SOCKET_CAPABILITIES,
    onInfo: (i) => {
      if (i.state === 'connecting') connects++;
      info = i;
    },
    onMessage: (m) => {
      if (m.type !== 'frame') return; // video-status: the main socket's copy drives the UI
      // Protocol 3's timing fields, read as optional so a protocol 2 frame type still compiles.
      const f: Pick<Frame, 'jpeg'> & WireTiming = m;
      onFrame(f.jpeg as Uint8Array<ArrayBuffer>, {
        seq: f.seq,
        timestamp: f.timestamp,
        sentAt: f.sentAt,
        captureSource: f.captureSource,
        grabMs: f.grabMs,
        encodeMs: f.encodeMs,
        receivedAt: f.receivedAt,
        skipped: f.skipped,
        pageReceivedAt: performance.timeOrigin + performance.now(),
      });
    },
  });
  return {
    stats: () => ({
      state: info?.state ?? 'connecting',
      detail: info?.detail ?? '',
      reconnects: Math.max(0, connects - 1),
      decodeErrors: conn.decodeErrors(),
    }),
    dispose: () => conn.dispose(),
  };
}
