import type { VideoTransport } from './api.ts';

export type { VideoTransport } from './api.ts';

/** The transport new sessions use when neither the URL nor the settings choose one (issue 11 §3: A until H8's A/B says otherwise). */
export const DEFAULT_VIDEO_TRANSPORT: VideoTransport = 'page';

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
