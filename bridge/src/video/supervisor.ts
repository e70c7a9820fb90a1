import { Backoff } from './backoff.ts';
import { describe, RateLog, videoError, type VideoError } from './errors.ts';
import { jpegSize } from './jpeg.ts';
import { MultipartParser, type Part } from './multipart.ts';
import { SignalTracker } from './signal.ts';
import { monotonicOffsetMs, realtimeOffsetMs, sourceTiming, type ClockOffsets } from './source-clock.ts';
import type { VideoSignal, VideoSource, VideoSourceConfig, VideoSourceHandlers, VideoSourceStats } from './source.ts';
import { openCommand } from './transport-command.ts';
import { openHttp } from './transport-http.ts';
import type { Transport, TransportSink } from './transport.ts';

export interface SupervisorOptions {
  backoffMs: { initial: number; max: number };
  noSignalAfterMs: number;
  maxPartBytes: number;
}

/**
 * Keeps one transport open, parses it into frames and reconnects it: a transport closing, or no
 * good frame for noSignalAfterMs (the watchdog), drops the connection, reports the signal lost
 * and schedules the next attempt after Backoff's delay. Each connection gets a fresh parser and a
 * generation number; callbacks from an older generation are ignored, so nothing from a replaced
 * or stopped connection reaches the handlers.
 */
export class Supervisor implements VideoSource {
  private readonly counts = { frames: 0, bytes: 0, badParts: 0, reconnects: 0 };
  /** Frames by how their capture time was found (source-clock.ts). */
  private readonly clocks = { monotonic: 0, realtime: 0, none: 0 };
  /** Clock offsets, read once per connection (onOpen). */
  private offsets: ClockOffsets = { monotonic: monotonicOffsetMs(), realtime: realtimeOffsetMs() };
  private readonly backoff: Backoff;
  private readonly signal = new SignalTracker();
  private readonly log: RateLog;
  private generation = 0;
  private stopped = false;
  private connected = false;
  private transport: Transport | undefined;
  private retry: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private seq = 0;
  /** Lines lost to a throwing log handler: there is nowhere left to report that, so it is only counted. */
  private lostLogLines = 0;

  constructor(
    private readonly config: VideoSourceConfig,
    private readonly handlers: VideoSourceHandlers,
    private readonly opts: SupervisorOptions,
  ) {
    this.backoff = new Backoff(opts.backoffMs.initial, opts.backoffMs.max);
    this.log = new RateLog((line) => {
      try {
        this.handlers.log?.(line);
      } catch {
        this.lostLogLines++;
      }
    });
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.connected = false;
    this.transport?.close();
    this.transport = undefined;
    clearTimeout(this.retry);
    clearTimeout(this.watchdog);
  }

  stats(): VideoSourceStats {
    return { ...this.counts, connected: this.connected, captureClock: { ...this.clocks } };
  }

  private connect(): void {
    const gen = ++this.generation;
    const live = (): boolean => gen === this.generation;
    let parser: MultipartParser | undefined;
    const sink: TransportSink = {
      onOpen: (boundary, description) => {
        if (!live()) return;
        this.connected = true;
        this.offsets = { monotonic: monotonicOffsetMs(), realtime: realtimeOffsetMs() };
        this.log.line('open', `source open: ${description}`);
        parser = new MultipartParser(
          { onPart: (p) => live() && this.part(p), onError: (e) => live() && this.bad(e) },
          { ...(boundary !== undefined && { boundary }), maxPartBytes: this.opts.maxPartBytes },
        );
      },
      onData: (chunk) => {
        if (!live()) return;
        this.counts.bytes += chunk.length;
        parser?.push(chunk);
        // After `--B--` nothing more can come (RFC 2046: the epilogue is ignored); start over now.
        if (parser?.closed && live()) this.drop(videoError('stream-ended', 'the source sent the close delimiter'));
      },
      onClose: (err) => live() && this.drop(err),
      log: (key, line) => live() && this.log.line(key, line),
    };
    this.transport =
      this.config.kind === 'http' ? openHttp(this.config.url, sink) : openCommand(this.config.argv, sink);
    const quiet = this.opts.noSignalAfterMs;
    this.watchdog = setTimeout(
      () => live() && this.drop(videoError('no-frames', `no good frame for ${quiet} ms`)),
      quiet,
    );
  }

  /** The current connection is gone: close it, report once, and schedule the next attempt. */
  private drop(err: VideoError): void {
    this.generation++;
    this.connected = false;
    this.transport?.close();
    this.transport = undefined;
    clearTimeout(this.watchdog);
    const delay = this.backoff.next();
    this.log.line(err.code, `source lost: ${describe(err)}; retrying in ${delay} ms`);
    this.emitSignal(this.signal.lost(describe(err)));
    if (this.stopped) return; // a handler stopped us
    this.retry = setTimeout(() => {
      this.counts.reconnects++;
      this.connect();
    }, delay);
  }

  private part(part: Part): void {
    const size = jpegSize(part.body);
    if (!size) return this.bad(videoError('not-jpeg', `a ${part.body.length}-byte part has no JPEG SOI/SOFn; skipped`));
    const now = performance.now();
    const receivedAt = performance.timeOrigin + now;
    this.backoff.reset();
    this.watchdog?.refresh();
    // uStreamer keeps streaming a "NO SIGNAL" picture when the HDMI source is gone, and says so in
    // X-UStreamer-Online (with ?extra_headers=1). The picture still goes out; the status says why.
    if (part.headers.get('x-ustreamer-online') === 'false')
      this.emitSignal(this.signal.lost('no HDMI signal (the capture device reports no input)'));
    else this.emitSignal(this.signal.frame(now, size.width, size.height));
    if (this.stopped) return;
    this.counts.frames++;
    // A command's stdout (ffmpeg -f mpjpeg) carries no capture time: its parts have only
    // Content-type and Content-length, so the receive time stands in (captureSource 0).
    const t = sourceTiming(part.headers, receivedAt, this.offsets);
    this.clocks[t.clock]++;
    const frame = {
      seq: ++this.seq,
      timestamp: t.timestamp,
      captureSource: t.captureSource,
      grabMs: t.grabMs,
      encodeMs: t.encodeMs,
      jpeg: part.body,
      ...size,
      receivedAt,
    };
    this.call(() => this.handlers.onFrame(frame));
  }

  private bad(err: VideoError): void {
    this.counts.badParts++;
    this.log.line(err.code, `part dropped: ${describe(err)}`);
  }

  private emitSignal(signal: VideoSignal | undefined): void {
    if (signal && !this.stopped) this.call(() => this.handlers.onSignal(signal));
  }

  /** Runs a caller's handler; what it throws is logged, never allowed to break the stream. */
  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      const why = e instanceof Error ? (e.stack ?? e.message) : String(e);
      this.log.line('handler-threw', describe(videoError('handler-threw', why)));
    }
  }
}
