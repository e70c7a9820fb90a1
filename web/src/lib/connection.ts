import {
  decodeServer,
  encodeClient,
  MAX_SERVER_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  type ClientMessage,
  type ServerMessage,
} from '../../../protocol/index.ts';

/**
 * - connecting: a socket is being opened;
 * - open: the socket is open (the bridge may still refuse the hello);
 * - closed: it ended and a retry is scheduled (`retryAt`);
 * - refused: the bridge refused this page for good (`refusal`); no retry until the page acts.
 */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'refused';

/**
 * Why the bridge will keep refusing: retrying cannot help.
 * - version: it speaks another protocol version (close 4000, error `version`): reload the page;
 * - unauthorized: the session token is missing, expired or revoked (close 4001, error
 *   `unauthorized`): log in again.
 */
export type Refusal = 'version' | 'unauthorized';

/** WebSocket close codes of protocol v2 (RFC 6455 §7.4.2 private range). */
export const CLOSE_VERSION = 4000;
export const CLOSE_UNAUTHORIZED = 4001;

export interface ConnectionInfo {
  state: ConnectionState;
  /** Why the last connection ended ('' while open). */
  detail: string;
  /** When the next attempt starts while closed, ms since epoch (0 if none is scheduled). */
  retryAt: number;
  /** Set in state 'refused'. */
  refusal: Refusal | null;
  /** Round-trip time of the last ping, ms (NaN before the first pong). */
  rttMs: number;
  /** Bridge clock minus page clock, ms, estimated from the best ping. */
  clockOffsetMs: number;
}

export interface ConnectionOptions {
  url: string;
  /** The session token for the hello, read at every attempt (a fresh login takes effect). */
  token: () => string;
  onMessage: (m: ServerMessage) => void;
  onInfo: (info: ConnectionInfo) => void;
  /** Reconnect backoff: first delay and cap, ms. Each delay gets ±20 % jitter. */
  backoff?: { initialMs: number; maxMs: number };
  pingIntervalMs?: number;
  /** The hello's capabilities; default ['batch', 'video']. 'no-video': no frames on this socket. */
  capabilities?: string[];
}

export interface Connection {
  /** Sends if open and returns true; otherwise drops the message and returns false (no replay). */
  send(m: ClientMessage): boolean;
  info(): ConnectionInfo;
  /** Messages refused by decode, by error code. */
  decodeErrors(): Record<string, number>;
  /** Leaves a refusal (or a wait for the retry timer) and connects now. */
  reconnect(): void;
  dispose(): void;
}

export const PWA_AGENT = 'pwa/0.2.0';
export const INITIAL_INFO: ConnectionInfo = {
  state: 'connecting',
  detail: '',
  retryAt: 0,
  refusal: null,
  rttMs: Number.NaN,
  clockOffsetMs: 0,
};
const now = (): number => performance.timeOrigin + performance.now();

const REFUSAL_TEXT: Record<Refusal, string> = {
  version: 'This app and the device disagree on the protocol version: reload.',
  unauthorized: 'The device did not accept this session: log in again.',
};

/**
 * The PWA's WebSocket to the bridge (protocol v2). Sends hello with the session token on open and
 * pings every `pingIntervalMs` for RTT and clock offset. Reconnects by itself with exponential
 * backoff (initialMs·2^n, capped at maxMs, ±20 % jitter); the backoff restarts once the bridge
 * has accepted a hello (its first status message), not merely on open, so a bridge that accepts
 * sockets and drops them at once is not hammered. A version or auth refusal ends the loop:
 * state 'refused', no timer. Nothing is queued while disconnected: send() returns false.
 */
export function makeConnection(opts: ConnectionOptions): Connection {
  const backoff = opts.backoff ?? { initialMs: 250, maxMs: 5000 };
  let ws: WebSocket | null = null;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let pingId = 0;
  let bestRtt = Infinity;
  let disposed = false;
  /** A refusal the bridge announced with an error message, confirmed by the close that follows. */
  let announced: Refusal | null = null;
  const errors: Record<string, number> = {};
  let info: ConnectionInfo = { ...INITIAL_INFO };
  const update = (patch: Partial<ConnectionInfo>): void => {
    info = { ...info, ...patch };
    opts.onInfo(info);
  };

  const send = (m: ClientMessage): boolean => {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(encodeClient(m));
    return true;
  };

  const onMessage = (ev: MessageEvent<ArrayBuffer | string>): void => {
    if (typeof ev.data === 'string') {
      errors['text-frame'] = (errors['text-frame'] ?? 0) + 1;
      return;
    }
    const result = decodeServer(new Uint8Array(ev.data), MAX_SERVER_MESSAGE_BYTES);
    if (!result.ok) {
      errors[result.error.code] = (errors[result.error.code] ?? 0) + 1;
      console.warn(`bridge sent a bad message: ${result.error.code}: ${result.error.message}`);
      return;
    }
    const m = result.message;
    switch (m.type) {
      case 'pong': {
        const rtt = now() - m.sentAt;
        // The lowest-RTT sample has the least queueing in it, so its offset is the most trustworthy.
        if (rtt <= bestRtt) {
          bestRtt = rtt;
          update({ rttMs: rtt, clockOffsetMs: m.receivedAt - (m.sentAt + rtt / 2) });
        } else update({ rttMs: rtt });
        return;
      }
      case 'ping':
        send({ type: 'pong', id: m.id, sentAt: m.sentAt, receivedAt: now() });
        return;
      case 'error':
        if (m.code === 'version' || m.code === 'unauthorized') announced = m.code;
        break;
      case 'hello':
        break;
      default:
        attempt = 0; // the bridge accepted our hello: it only sends status after that
    }
    opts.onMessage(m);
  };

  const connect = (): void => {
    if (disposed) return;
    clearTimeout(retryTimer);
    announced = null;
    update({ state: 'connecting', retryAt: 0, refusal: null });
    const socket = new WebSocket(opts.url);
    socket.binaryType = 'arraybuffer';
    ws = socket;
    socket.onopen = () => {
      bestRtt = Infinity;
      update({ state: 'open', detail: '' });
      send({
        type: 'hello',
        version: PROTOCOL_VERSION,
        capabilities: opts.capabilities ?? ['batch', 'video'],
        agent: PWA_AGENT,
        token: opts.token(),
      });
      ping();
      pingTimer = setInterval(ping, opts.pingIntervalMs ?? 2000);
    };
    socket.onmessage = onMessage;
    socket.onclose = (ev) => {
      clearInterval(pingTimer);
      if (ws !== socket) return;
      ws = null;
      if (disposed) return;
      const refusal: Refusal | null =
        ev.code === CLOSE_VERSION ? 'version' : ev.code === CLOSE_UNAUTHORIZED ? 'unauthorized' : announced;
      if (refusal) {
        update({ state: 'refused', refusal, detail: REFUSAL_TEXT[refusal], retryAt: 0 });
        return;
      }
      const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt) * (0.8 + Math.random() * 0.4);
      attempt++;
      retryTimer = setTimeout(connect, delay);
      update({
        state: 'closed',
        detail: ev.reason || (ev.code === 1006 ? 'connection lost' : `closed (${ev.code})`),
        retryAt: Date.now() + delay,
      });
    };
  };

  const ping = (): void => {
    pingId = (pingId + 1) >>> 0;
    send({ type: 'ping', id: pingId, sentAt: now() });
  };

  connect();
  return {
    send,
    info: () => info,
    decodeErrors: () => ({ ...errors }),
    reconnect: () => {
      if (ws) return;
      attempt = 0;
      connect();
    },
    dispose: () => {
      disposed = true;
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      ws?.close(1000, 'page closed');
      ws = null;
    },
  };
}
