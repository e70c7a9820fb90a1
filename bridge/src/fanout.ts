import { encode, type Frame } from '../../protocol/index.ts';
import type { Counters } from './counters.ts';

/** What the fan-out needs of a socket; uWS's WebSocket has both. */
export interface FrameSink {
  send(message: Uint8Array, isBinary: boolean): number;
  getBufferedAmount(): number;
}

/**
 * A viewer's frame slot. At most one encoded frame waits per viewer; a newer frame replaces it.
 * So a viewer behind on bandwidth sees fewer, fresh frames instead of a growing backlog.
 */
export class Viewer {
  private sink: FrameSink | null = null;
  private pending: Uint8Array | null = null;
  sent = 0;
  skipped = 0;

  constructor(
    private readonly counters: Counters,
    private readonly threshold: number,
  ) {}

  attach(sink: FrameSink): void {
    this.sink = sink;
  }

  /** Sends now if the socket has no backlog, else keeps only this newest frame for drain(). */
  offer(bytes: Uint8Array): void {
    if (!this.sink) return;
    if (this.sink.getBufferedAmount() > this.threshold) {
      if (this.pending) {
        this.skipped++;
        this.counters.inc('video.skipped_backpressure');
      }
      this.pending = bytes;
      return;
    }
    this.pending = null;
    this.sink.send(bytes, true);
    this.sent++;
    this.counters.inc('video.sent');
  }

  /** uWS drain callback: the backlog shrank, so the waiting frame (if any) may go out. */
  drained(): void {
    const pending = this.pending;
    if (pending && this.sink && this.sink.getBufferedAmount() <= this.threshold) {
      this.pending = null;
      this.sink.send(pending, true);
      this.sent++;
      this.counters.inc('video.sent');
    }
  }

  detach(): void {
    this.sink = null;
    this.pending = null;
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

  publish(frame: Frame): void {
    this.counters.inc('video.frames_in');
    if (this.viewers.size === 0) return;
    const bytes = encode(frame);
    for (const v of this.viewers) v.offer(bytes);
  }
}
