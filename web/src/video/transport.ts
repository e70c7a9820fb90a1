import type { VideoTransport } from './api.ts';

export type { VideoTransport } from './api.ts';

/**
 * The transport new sessions use when neither the URL nor the settings choose one: `worker` (B),
 * the worker's own /ws/video socket. Issue 11 §3's A/B (test/bench/ab.bench.ts, 720p30, frame age
 * at paint read off the screen's pixel clock): idle, A and B were within noise (p50 78 vs 92 and
 * 96 vs 82 ms in two runs); with a 50 ms main-thread task every 100 ms, B won both runs (p50 157 →
 * 140 and 168 → 154 ms, p95 411 → 331 and 460 → 412 ms, 8.0 → 13.9 fps in the first).
 */
export const DEFAULT_VIDEO_TRANSPORT: VideoTransport = 'worker';

export const isVideoTransport = (v: unknown): v is VideoTransport => v === 'page' || v === 'worker';

/**
 * The video transport for this page load: `?video=page|worker` in the URL wins (benchmarks and
 * bug reports), else the remembered setting, else DEFAULT_VIDEO_TRANSPORT. An unknown URL value is
 * ignored, not an error.
 */
export function chooseVideoTransport(search: string, remembered?: unknown): VideoTransport {
  const fromUrl = new URLSearchParams(search).get('video');
  if (isVideoTransport(fromUrl)) return fromUrl;
  return isVideoTransport(remembered) ? remembered : DEFAULT_VIDEO_TRANSPORT;
}
