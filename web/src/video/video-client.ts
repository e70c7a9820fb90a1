/**
 * Page-side owner of the video worker (one per screen canvas), in the style of squoosh's
 * WorkerBridge: the worker starts on first use, every call goes through one comlink proxy, and
 * dispose() ends it. The canvas is handed over with transferControlToOffscreen(), so after the
 * first frame the page can no longer draw on or read it (use sample() and screenshot()).
 */
import { releaseProxy, transfer, wrap, type Remote } from 'comlink';
import type { Rgba, VideoErrorCode, VideoStats, VideoTransport, VideoWorkerApi, WireTiming } from './api.ts';
import { emptyStats } from './timing.ts';

export { emptyStats } from './timing.ts';

export type { Rgba, VideoStats, VideoTransport } from './api.ts';

/** The wire frame as the page's socket delivers it (protocol/video.ts Frame; protocol 3 fields optional). */
export type WireFrame = WireTiming & { jpeg: Uint8Array };

/** A video error with a code (STYLE.md): 'disposed' here, or the worker's codes. */
export class VideoError extends Error {
  override readonly name = 'VideoError';
  constructor(
    readonly code: VideoErrorCode | 'disposed' | 'worker',
    message: string,
  ) {
    super(message);
  }
}

export interface VideoClientOptions {
  /** Default 'page': frames come in through frame(). */
  transport?: VideoTransport;
  /** Transport 'worker': the `/ws/video` URL and the session token for its hello. */
  videoUrl?: string;
  token?: () => string;
}

export interface VideoClient {
  readonly transport: VideoTransport;
  /**
   * Queue one frame for painting (transport 'page'); returns at once. `f.jpeg` must be a view into
   * a buffer the page no longer needs (the decoded WebSocket message): the whole buffer is
   * transferred, not copied, and is detached afterwards. The frame's times are bridge-clock ms.
   */
  frame(f: WireFrame): void;
  /** Bridge clock − page clock, ms (the connection's ping/pong estimate); forwarded when it changes. */
  setClockOffset(offsetMs: number): void;
  /** Worker stats plus the page's postErrors; zeros before the first frame and after dispose(). */
  stats(): Promise<VideoStats>;
  /** Debugging aid: canvas pixel at (x, y), read in the worker. Starts the worker if needed. */
  sample(x: number, y: number): Promise<Rgba>;
  /** The last painted frame as a PNG at the video's size. Rejects with VideoError ('no-frame', 'disposed', 'worker'). */
  screenshot(): Promise<Blob>;
  /** Terminate the worker. Pending stats()/sample() calls settle (zeros / rejection). */
  dispose(): void;
}

/** comlink carries an Error's message only; the worker puts its code first ("no-frame: …"). */
function fromWorker(e: unknown): VideoError {
  const msg = e instanceof Error ? e.message : String(e);
  const code = /^(no-frame|not-attached):/.exec(msg)?.[1] as VideoErrorCode | undefined;
  return new VideoError(code ?? 'worker', msg);
}

export function makeVideoClient(canvas: HTMLCanvasElement, opts: VideoClientOptions = {}): VideoClient {
  const transport = opts.transport ?? 'page';
  let worker: Worker | null = null;
  let api: Remote<VideoWorkerApi> | null = null;
  let disposed = false;
  let postErrors = 0;
  let lastPostError = '';
  let clockOffsetMs = Number.NaN;
  // Calls still waiting on a terminated worker would hang forever; this lets them settle.
  let signalDisposed!: () => void;
  const whenDisposed = new Promise<void>((resolve) => {
    signalDisposed = resolve;
  });

  const onPostError = (e: unknown) => {
    postErrors++;
    lastPostError = e instanceof Error ? e.message : String(e);
    // Log the first and then every 100th, so a dead worker can't flood the console at 30 fps.
    if (postErrors % 100 === 1) console.warn(`video: frame post failed (${postErrors} so far)`, e);
  };

  function start(): Remote<VideoWorkerApi> {
    if (api) return api;
    worker = new Worker(new URL('./video.worker.ts', import.meta.url), { type: 'module' });
    worker.addEventListener('error', (e) => onPostError(new Error(`worker error: ${e.message}`)));
    worker.addEventListener('messageerror', () => onPostError(new Error('worker messageerror')));
    api = wrap<VideoWorkerApi>(worker);
    const offscreen = canvas.transferControlToOffscreen();
    api.attach(transfer(offscreen, [offscreen])).catch(onPostError);
    if (Number.isFinite(clockOffsetMs)) api.setClockOffset(clockOffsetMs).catch(onPostError);
    return api;
  }

  if (transport === 'worker') {
    if (!opts.videoUrl) throw new VideoError('worker', "transport 'worker' needs videoUrl");
    start()
      .openSocket({ url: opts.videoUrl, token: opts.token?.() ?? '' })
      .catch(onPostError);
  }

  const settle = <T>(p: Promise<T>): Promise<T> =>
    Promise.race([
      p.catch((e: unknown) => Promise.reject(fromWorker(e))),
      whenDisposed.then(() => Promise.reject(new VideoError('disposed', 'video client disposed'))),
    ]);

  return {
    transport,
    frame(f) {
      const pageReceivedAt = performance.timeOrigin + performance.now();
      if (disposed) return;
      // A SharedArrayBuffer can't be transferred; copy only in that unusual case.
      const view = f.jpeg.buffer instanceof ArrayBuffer ? (f.jpeg as Uint8Array<ArrayBuffer>) : f.jpeg.slice();
      const { buffer, byteOffset, byteLength } = view;
      const meta = {
        seq: f.seq,
        timestamp: f.timestamp,
        sentAt: f.sentAt,
        captureSource: f.captureSource,
        grabMs: f.grabMs,
        encodeMs: f.encodeMs,
        receivedAt: f.receivedAt,
        skipped: f.skipped,
        pageReceivedAt,
      };
      start()
        .frame(transfer(buffer, [buffer]), byteOffset, byteLength, meta)
        .catch(onPostError);
    },
    setClockOffset(offsetMs) {
      if (offsetMs === clockOffsetMs || !Number.isFinite(offsetMs)) return;
      clockOffsetMs = offsetMs;
      api?.setClockOffset(offsetMs).catch(onPostError);
    },
    async stats() {
      const empty = { ...emptyStats(transport), postErrors, lastError: lastPostError };
      if (!api || disposed) return empty;
      const s = await Promise.race([api.stats(), whenDisposed.then(() => empty)]);
      return { ...s, postErrors, lastError: s.lastError || lastPostError };
    },
    sample(x, y) {
      if (disposed) return Promise.reject(new VideoError('disposed', 'video client disposed'));
      return settle(start().sample(x, y));
    },
    screenshot() {
      if (disposed) return Promise.reject(new VideoError('disposed', 'video client disposed'));
      return settle(start().screenshot());
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      signalDisposed();
      // The release message may never be answered once terminated; nothing to wait for.
      void api?.[releaseProxy]();
      worker?.terminate();
      api = null;
      worker = null;
    },
  };
}
