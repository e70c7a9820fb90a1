import type { Frame } from '../../protocol/index.ts';
import type { Counters } from './counters.ts';
import { StampedFrame } from './video/stamp.ts';
import { ViewerMeter, type RelayPercentiles } from './video/meter.ts';

/** What the fan-out needs of a socket; uWS's WebSocket has both. send() returns 0 backpressure, 1 sent, 2 dropped. */
export interface FrameSink {
  send(message: Uint8Array, isBinary: boolean): number;
  getBufferedAmount(): number;
}

/** A frame as the source hands it over: everything but the per-viewer fields. */
export type SourceFrame = Omit<Frame, 'type' | 'sentAt' | 'skipped'>;

/** Which socket a viewer watches on: the main /ws, or the video-only /ws/video. */
export type ViewerTransport = 'main' | 'video';

/** One viewer's figures, as GET /api/stats `viewers[]` gives them (CONTRACT "Stats"). */
export interface ViewerStats {
  /** The socket's client id (control-status numbering; /ws and /ws/video share one sequence). */
  id: number;
  user: string;
  transport: ViewerTransport;
  /** Frames handed to the socket. */
  framesSent: number;
  /** Frames never sent to this viewer because its socket was still busy with an earlier one (backpressure). */
  framesSkipped: number;
  /** Frames the socket refused (uWS DROPPED: over maxBackpressure); also counted in framesSent's complement. */
  framesDropped: number;
  /** Encoded frame message bytes handed to the socket. */
  bytesSent: number;
  /** bytesSent per second over the last {@link ViewerMeter} window (5 s), bytes/s. */
  bandwidthBps: number;
  /** receivedAt → sentAt, ms, over the last 512 frames sent (0 when none). */
  relayMs: RelayPercentiles;
}

const now = (): number => performance.timeOrigin + performance.now();

/**
 * A viewer's frame slot. At most one encoded frame waits per viewer; a newer frame replaces it
 * (and counts as one skipped). So a viewer behind on bandwidth sees fewer, fresh frames instead
 * of a growing backlog. Each send stamps the frame with this viewer's sentAt and the number of
 * frames skipped since its previous send.
 */
export class Viewer {
  private sink: FrameSink | null = null;
  private pending: StampedFrame | null = null;
  private skippedSinceSent = 0;
  private readonly meter = new ViewerMeter();
  /** Who is watching; set by identify() after the hello. */
  id = 0;
  user = '';
  transport: ViewerTransport = 'main';
  sent = 0;
  skipped = 0;
  dropped = 0;
  bytes = 0;

  constructor(
    private readonly counters: Counters,
    private readonly threshold: number,
  ) {}

  attach(sink: FrameSink): void {
    this.sink = sink;
  }

  identify(id: number, user: string, transport: ViewerTransport): void {
    this.id = id;
    this.user = user;
    this.transport = transport;
  }

  /** Sends now if the socket has no backlog, else keeps only this newest frame for drained(). */
  offer(frame: StampedFrame): void {
    if (!this.sink) return;
    if (this.sink.getBufferedAmount() > this.threshold) {
      if (this.pending) this.skip();
      this.pending = frame;
      return;
    }
    if (this.pending) this.skip(); // a backlog that cleared without a drain event
    this.pending = null;
    this.send(this.sink, frame);
  }

  /** uWS drain callback: the backlog shrank, so the waiting frame (if any) may go out. */
  drained(): void {
    const pending = this.pending;
    if (pending && this.sink && this.sink.getBufferedAmount() <= this.threshold) {
      this.pending = null;
      this.send(this.sink, pending);
    }
  }

  detach(): void {
    this.sink = null;
    this.pending = null;
  }

  stats(): ViewerStats {
    const t = now();
    return {
      id: this.id,
      user: this.user,
      transport: this.transport,
      framesSent: this.sent,
      framesSkipped: this.skipped,
      framesDropped: this.dropped,
      bytesSent: this.bytes,
      bandwidthBps: this.meter.bandwidthBps(t),
      relayMs: this.meter.relay(),
    };
  }

  private skip(): void {
    this.skipped++;
    this.skippedSinceSent++;
    this.counters.inc('video.skipped_backpressure');
  }

  private send(sink: FrameSink, frame: StampedFrame): void {
    const sentAt = now();
    const bytes = frame.stamp(sentAt, this.skippedSinceSent);
    if (sink.send(bytes, true) === 2) {
      // Over maxBackpressure: uWS did not take it. The next frame reports this one as skipped too.
      this.dropped++;
      this.skippedSinceSent++;
      this.counters.inc('video.send_dropped');
      return;
    }
    this.skippedSinceSent = 0;
    this.sent++;
    this.bytes += bytes.byteLength;
    this.meter.sent(sentAt, bytes.byteLength, sentAt - frame.receivedAt);
    this.counters.inc('video.sent');
    this.counters.inc('video.bytes_sent', bytes.byteLength);
  }
}

/**
 * Video fan-out with latest-frame-wins per viewer: each frame is encoded once and offered to
 * every viewer; a slow viewer skips frames and never delays a fast one.
 * @param threshold bytes of socket backlog above which a viewer counts as slow (default 0:
 *   a new frame is sent only once the previous one has fully left the bridge)
 */
export class FrameFanout {
  private readonly viewers = new Set<Viewer>();

  constructor(
    private readonly counters: Counters,
    private readonly threshold = 0,
  ) {}

  makeViewer(): Viewer {
    return new Viewer(this.counters, this.threshold);
  }

  add(v: Viewer): void {
    this.viewers.add(v);
  }

  remove(v: Viewer): void {
    v.detach();
    this.viewers.delete(v);
  }

  publish(frame: SourceFrame): void {
    this.counters.inc('video.frames_in');
    if (this.viewers.size === 0) return;
    const stamped = new StampedFrame({ type: 'frame', ...frame });
    for (const v of this.viewers) v.offer(stamped);
  }

  /** Per-viewer figures for GET /api/stats, in the order viewers joined. */
  stats(): ViewerStats[] {
    return [...this.viewers].map((v) => v.stats());
  }
}
