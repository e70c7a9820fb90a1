/**
 * The stats overlay's data: one sample a second of the page, the video worker and the bridge's
 * GET /api/stats, kept for the last 60 s. It exists only while the overlay is open (the overlay
 * creates it on mount and disposes it on close), so nothing is sampled while the overlay is hidden.
 */
import type { KvmSession } from '../../lib/session.ts';
import type { VideoClient, VideoStats } from '../../video/video-client.ts';

/** How many one-second samples the charts keep. */
export const HISTORY_SECONDS = 60;

/** One bridge viewer, as GET /api/stats `viewers[]` gives it (CONTRACT.md "Stats"). */
export interface BridgeViewer {
  id: number;
  user: string;
  transport: 'main' | 'video';
  framesSent: number;
  framesSkipped: number;
  bytesSent: number;
  /** bytes/s over the bridge's meter window. */
  bandwidthBps: number;
  relayMs: { p50: number; p99: number };
}

/** GET /api/stats: the body as the bridge sent it, or why there is none. */
export type BridgeStats =
  | { ok: true; body: { viewers?: BridgeViewer[] } & Record<string, unknown> }
  | { ok: false; error: 'network' | 'http' | 'bad-response'; message: string };

/** One second of figures. Rates are per second; times in ms; NaN where unknown. */
export interface Sample {
  /** Seconds since epoch (uPlot's x). */
  t: number;
  sourceFps: number;
  /** Frames the bridge sent this viewer per second (its framesSent), else frames received here. */
  sentFps: number;
  paintFps: number;
  distinctPaintFps: number;
  ageP50: number;
  ageP95: number;
  decodeP50: number;
  rttMs: number;
  /** JPEG bytes received here, Mbit/s. */
  mbps: number;
  skippedPerS: number;
  replacedPerS: number;
  decodeErrorsPerS: number;
}

/**
 * This page's viewer among the bridge's: transport 'page' is the main socket, whose id the
 * control-status `you` gives. The worker's /ws/video socket has an id of its own that the page is
 * never told, so it is the newest 'video' viewer (the highest id), a guess when one user has
 * several worker-mode pages open.
 */
export function pickViewer(
  viewers: readonly BridgeViewer[],
  transport: 'page' | 'worker',
  you: number | undefined,
): BridgeViewer | undefined {
  if (transport === 'page') return viewers.find((v) => v.transport === 'main' && v.id === you);
  return viewers.filter((v) => v.transport === 'video').sort((a, b) => b.id - a.id)[0];
}

/** GET /api/stats with the session's Bearer token; errors are values. */
export async function fetchBridgeStats(token: string): Promise<BridgeStats> {
  let res: Response;
  try {
    res = await fetch('/api/stats', {
      headers: { authorization: `Bearer ${token}` },
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    return { ok: false, error: 'network', message: e instanceof Error ? e.message : String(e) };
  }
  if (!res.ok) return { ok: false, error: 'http', message: `GET /api/stats: HTTP ${res.status}` };
  try {
    return { ok: true, body: (await res.json()) as { viewers?: BridgeViewer[] } };
  } catch (e) {
    return { ok: false, error: 'bad-response', message: e instanceof Error ? e.message : String(e) };
  }
}

export interface Sampler {
  /** Oldest first, at most HISTORY_SECONDS. */
  history(): readonly Sample[];
  latest(): { video: VideoStats | null; bridge: BridgeStats | null; viewer: BridgeViewer | undefined };
  /** Take one sample now (the interval also calls it); resolves when it is recorded. */
  sample(): Promise<void>;
  dispose(): void;
}

/**
 * Samples every `intervalMs` (default 1000) until dispose(); `onSample` runs after each. A tick
 * whose previous one is still waiting (a slow bridge) is skipped, not queued.
 */
export function makeSampler(opts: {
  session: KvmSession;
  video: () => VideoClient | undefined;
  onSample: () => void;
  intervalMs?: number;
}): Sampler {
  const hist: Sample[] = [];
  let video: VideoStats | null = null;
  let bridge: BridgeStats | null = null;
  let viewer: BridgeViewer | undefined;
  let prev: { at: number; v: VideoStats; sent: number | undefined } | null = null;
  let busy: Promise<void> | null = null;

  const take = async (): Promise<void> => {
    const v = opts.video();
    const [vs, bs] = await Promise.all([v ? v.stats() : Promise.resolve(null), fetchBridgeStats(opts.session.token())]);
    const at = Date.now();
    video = vs;
    bridge = bs;
    const transport = vs?.transport ?? opts.session.videoTransport;
    viewer = bs.ok ? pickViewer(bs.body.viewers ?? [], transport, opts.session.control()?.you) : undefined;
    if (vs) {
      const dt = prev ? (at - prev.at) / 1000 : 0;
      const rate = (now: number, before: number | undefined) =>
        dt > 0 && before !== undefined ? Math.max(0, (now - before) / dt) : Number.NaN;
      const sentFps = viewer ? rate(viewer.framesSent, prev?.sent) : vs.receivedFps;
      hist.push({
        t: at / 1000,
        sourceFps: opts.session.video().fps,
        sentFps: Number.isNaN(sentFps) ? vs.receivedFps : sentFps,
        paintFps: vs.paintFps,
        distinctPaintFps: vs.distinctPaintFps,
        ageP50: vs.ageAtPaintMs.p50,
        ageP95: vs.ageAtPaintMs.p95,
        decodeP50: vs.decodeMs.p50,
        rttMs: opts.session.info().rttMs,
        mbps: (vs.bytesPerSecond * 8) / 1e6,
        skippedPerS: rate(vs.framesSkippedAtBridge, prev?.v.framesSkippedAtBridge),
        replacedPerS: rate(vs.framesDropped, prev?.v.framesDropped),
        decodeErrorsPerS: rate(vs.decodeErrors, prev?.v.decodeErrors),
      });
      if (hist.length > HISTORY_SECONDS) hist.shift();
      prev = { at, v: vs, sent: viewer?.framesSent };
    }
    opts.onSample();
  };
  const sample = (): Promise<void> => {
    busy ??= take()
      .catch((e: unknown) => console.warn('stats sample failed', e))
      .finally(() => {
        busy = null;
      });
    return busy;
  };
  const timer = setInterval(() => void sample(), opts.intervalMs ?? 1000);
  void sample();
  return {
    history: () => hist,
    latest: () => ({ video, bridge, viewer }),
    sample,
    dispose: () => clearInterval(timer),
  };
}

/**
 * The "Copy stats" JSON: page, worker and bridge figures plus the last 60 s, for bug reports. The
 * page URL is given without its fragment (a `#login=` link carries a one-time token) and the
 * session token is never included.
 */
export function snapshot(session: KvmSession, s: Sampler): Record<string, unknown> {
  const { video, bridge, viewer } = s.latest();
  return {
    kind: 'webkvm-stats',
    version: 1,
    takenAt: new Date().toISOString(),
    page: {
      url: `${location.origin}${location.pathname}${location.search}`,
      userAgent: navigator.userAgent,
      transport: session.videoTransport,
      connection: session.info(),
      videoStatus: session.video(),
      hid: session.hid(),
      control: session.control(),
    },
    worker: video,
    bridge: bridge?.ok ? bridge.body : bridge,
    viewer: viewer ?? null,
    history: s.history(),
  };
}
