/**
 * The bridge's resource limits (`BridgeConfig.limits`; every field optional, defaults below).
 * Time in ms, sizes in bytes, rates in messages per second.
 */
export interface Limits {
  /** Authenticated and not-yet-authenticated sockets together; more are refused with 503 at the upgrade. */
  maxClients: number;
  /** Longest batch: the sum of its delays must not exceed this, and a batch still playing then is cancelled. */
  maxBatchMs: number;
  /** Input messages (HID, batch, release, control) per client per second, sustained. */
  inputRate: number;
  /** Input messages a client may send at once above the rate (token bucket depth). */
  inputBurst: number;
  /**
   * A client with more than this many messages refused by the rate limit within one second is
   * disconnected (1008): uWS cannot pause reading a WebSocket, so a client that writes faster than
   * the bridge can refuse would otherwise hold the event loop (measured: 5.5 s stalls, video at
   * 1.7 fps under a 250 000 msg/s flood).
   */
  floodCloseRefused: number;
  /** Reports queued per HID device while the host does not poll; input beyond it is refused with busy. */
  hidQueue: number;
  /** Bytes buffered towards one client before uWS drops sends (uWS maxBackpressure). */
  maxBackpressure: number;
  /** A client whose buffer stays above maxBackpressure for this long is disconnected. */
  slowClientMs: number;
  /** Time to send a hello with a valid token after the socket opens. */
  helloTimeoutMs: number;
  /** A disconnected controller keeps control this long for a reconnect with the same session. */
  reconnectGraceMs: number;
  /** An operator must have waited this long to take control from an idle controller. */
  takeAfterWaitMs: number;
  /** The controller counts as idle after this long without input. */
  idleMs: number;
  /** Interval of pings to a controller that holds keys or plays a batch. */
  pingMs: number;
  /** Without a pong (or any message) for this long, such a controller's keys are released and it loses control. */
  silentMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxClients: 16,
  maxBatchMs: 10 * 60_000,
  inputRate: 1000,
  inputBurst: 2000,
  floodCloseRefused: 20_000,
  hidQueue: 1000,
  maxBackpressure: 4 * 1024 * 1024,
  slowClientMs: 10_000,
  helloTimeoutMs: 10_000,
  reconnectGraceMs: 5_000,
  takeAfterWaitMs: 10_000,
  idleMs: 5_000,
  pingMs: 1_000,
  silentMs: 2_000,
};

export class LimitsError extends Error {
  override readonly name = 'LimitsError';
  readonly code = 'config';
}

/**
 * Fills in defaults and checks types.
 * @throws LimitsError for a field that is not a positive integer, or an unknown field
 */
export function resolveLimits(raw: unknown): Limits {
  if (raw === undefined) return { ...DEFAULT_LIMITS };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new LimitsError('limits must be an object');
  const out = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(raw)) {
    if (!(k in DEFAULT_LIMITS)) throw new LimitsError(`limits.${k.slice(0, 40)} is not a known limit`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      throw new LimitsError(`limits.${k} must be a positive integer`);
    out[k as keyof Limits] = v;
  }
  return out;
}
