import type { VideoSignal } from './source.ts';

/** Width of the frame-rate window, ms. */
const WINDOW_MS = 1_000;
/** Minimum time between two signal updates that only change fps, ms. */
const FPS_REPORT_MS = 1_000;

/**
 * Decides when the source's signal changes, so consumers get one update per real change:
 * - lost(): present:false once per outage (repeated failed reconnects stay silent);
 * - frame(): present:true on the first good frame after an outage and whenever the size changes;
 *   otherwise an fps update at most once per FPS_REPORT_MS, and only when fps moved noticeably
 *   (by ≥ 1 fps and ≥ 10 %), so normal jitter does not spam clients.
 * fps = (n − 1) / (newest − oldest) over the n frames received in the last WINDOW_MS: the mean
 * interval, which is steadier than a count of frames per window. 0 until two frames are seen.
 */
export class SignalTracker {
  private times: number[] = [];
  private reported: VideoSignal | undefined;
  private fpsReportedAt = -Infinity;

  /** A good frame of `width`×`height` received at `now` (monotonic ms); returns an update or undefined. */
  frame(now: number, width: number, height: number): VideoSignal | undefined {
    this.times.push(now);
    while (this.times[0]! < now - WINDOW_MS) this.times.shift();
    const fps = this.fps();
    const r = this.reported;
    const changed = !r?.present || r.width !== width || r.height !== height;
    const drift = r !== undefined && Math.abs(fps - r.fps) >= Math.max(1, r.fps * 0.1);
    if (!changed && !(drift && now - this.fpsReportedAt >= FPS_REPORT_MS)) return undefined;
    this.fpsReportedAt = now;
    return (this.reported = { present: true, width, height, fps });
  }

  /** The source went away for `reason`; returns present:false unless it was already reported. */
  lost(reason: string): VideoSignal | undefined {
    this.times = [];
    if (this.reported && !this.reported.present) return undefined;
    return (this.reported = { present: false, width: 0, height: 0, fps: 0, reason });
  }

  private fps(): number {
    const n = this.times.length;
    const span = n > 1 ? this.times[n - 1]! - this.times[0]! : 0;
    return span > 0 ? Math.round(((n - 1) * 1000 * 10) / span) / 10 : 0;
  }
}
