/**
 * Page-side owner of the video worker (one per screen canvas), in the style of squoosh's
 * WorkerBridge: the worker starts on first use, every call goes through one comlink proxy, and
 * dispose() ends it. The canvas is handed over with transferControlToOffscreen(), so after the
 * first frame the page can no longer draw on or read it (use sample() to read pixels).
 */
import { releaseProxy, transfer, wrap, type Remote } from 'comlink';
import type { Rgba, VideoStats, VideoWorkerApi } from './api.ts';

export type { Rgba, VideoStats } from './api.ts';

export interface VideoClient {
  /**
   * Queue one JPEG for painting; returns at once. `jpeg` must be a view into a buffer the page no
   * longer needs (the decoded WebSocket message): the whole buffer is transferred, not copied, and
   * is detached afterwards. `timestamp`/`sentAt` are the wire frame's bridge-clock ms.
   */
  frame(jpeg: Uint8Array, seq: number, timestamp: number, sentAt: number): void;
  /** Worker stats plus the page's postErrors; zeros before the first frame and after dispose(). */
  stats(): Promise<VideoStats>;
  /** Debugging aid: canvas pixel at (x, y), read in the worker. Starts the worker if needed. */
  sample(x: number, y: number): Promise<Rgba>;
  /** Terminate the worker. Pending stats()/sample() calls settle (zeros / rejection). */
  dispose(): void;
}

const EMPTY: VideoStats = {
  framesReceived: 0,
  framesPainted: 0,
  framesDropped: 0,
  decodeErrors: 0,
  lastError: '',
  decoder: 'none',
  width: 0,
  height: 0,
  paintFps: 0,
  decodeMs: { p50: 0, p95: 0, max: 0 },
  frameAgeMs: { p50: 0, p95: 0 },
  lastSeq: -1,
  postErrors: 0,
};

export function makeVideoClient(canvas: HTMLCanvasElement): VideoClient {
  let worker: Worker | null = null;
  let api: Remote<VideoWorkerApi> | null = null;
  let disposed = false;
  let postErrors = 0;
  let lastPostError = '';
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
    return api;
  }

  return {
    frame(jpeg, seq, timestamp, sentAt) {
      const receivedAt = performance.timeOrigin + performance.now();
      if (disposed) return;
      // A SharedArrayBuffer can't be transferred; copy only in that unusual case.
      const view = jpeg.buffer instanceof ArrayBuffer ? (jpeg as Uint8Array<ArrayBuffer>) : jpeg.slice();
      const { buffer, byteOffset, byteLength } = view;
      start()
        .frame(transfer(buffer, [buffer]), byteOffset, byteLength, seq, timestamp, sentAt, receivedAt)
        .catch(onPostError);
    },
    async stats() {
      if (!api || disposed) return { ...EMPTY, postErrors, lastError: lastPostError };
      const s = await Promise.race([api.stats(), whenDisposed.then(() => EMPTY)]);
      return { ...s, postErrors, lastError: s.lastError || lastPostError };
    },
    async sample(x, y) {
      if (disposed) throw new Error('video client disposed');
      const px = await Promise.race([start().sample(x, y), whenDisposed]);
      if (!px) throw new Error('video client disposed');
      return px;
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
