import { decode, encode, MAX_SERVER_MESSAGE_BYTES, PROTOCOL_VERSION, type Message } from '../../../protocol/index.ts';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface ConnectionInfo {
  state: ConnectionState;
  /** Why the last connection ended ('' while open). */
  detail: string;
  /** When the next attempt starts while closed, ms since epoch (0 if none is scheduled). */
  retryAt: number;
  /** Round-trip time of the last ping, ms (NaN before the first pong). */
  rttMs: number;
  /** Bridge clock minus page clock, ms, estimated from the best ping. */
  clockOffsetMs: number;
}

export interface ConnectionOptions {
  url: string;
  onMessage: (m: Message) => void;
  onInfo: (info: ConnectionInfo) => void;
  /** Reconnect backoff: first delay and cap, ms. */
  backoff?: { initialMs: number; maxMs: number };
  pingIntervalMs?: number;
}

export interface Connection {
  /** Sends if open and returns true; otherwise drops the message and returns false (no replay). */
  send(m: Message): boolean;
  info(): ConnectionInfo;
  /** Messages refused by decode, by error code. */
  decodeErrors(): Record<string, number>;
  dispose(): void;
}

export const PWA_AGENT = 'pwa/0.1.0';
const now = (): number => performance.timeOrigin + performance.now();

/**
 * The PWA's WebSocket to the bridge. Reconnects by itself with exponential backoff and jitter.
 * Sends hello on open and pings every `pingIntervalMs` for RTT and clock offset. Nothing is
 * queued while disconnected: the caller learns from send() returning false.
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
  const errors: Record<string, number> = {};
  let info: ConnectionInfo = { state: 'connecting', detail: '', retryAt: 0, rttMs: Number.NaN, clockOffsetMs: 0 };
  const update = (patch: Partial<ConnectionInfo>): void => {
    info = { ...info, ...patch };
    opts.onInfo(info);
  };

  const send = (m: Message): boolean => {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(encode(m));
    return true;
  };

  const connect = (): void => {
    if (disposed) return;
    update({ state: 'connecting', retryAt: 0 });
    const socket = new WebSocket(opts.url);
    socket.binaryType = 'arraybuffer';
    ws = socket;
    socket.onopen = () => {
      attempt = 0;
      bestRtt = Infinity;
      update({ state: 'open', detail: '' });
      send({ type: 'hello', version: PROTOCOL_VERSION, capabilities: ['batch', 'video'], agent: PWA_AGENT });
      ping();
      pingTimer = setInterval(ping, opts.pingIntervalMs ?? 2000);
    };
    socket.onmessage = (ev: MessageEvent<ArrayBuffer | string>) => {
      if (typeof ev.data === 'string') {
        errors['text-frame'] = (errors['text-frame'] ?? 0) + 1;
        return;
      }
      const result = decode(new Uint8Array(ev.data), MAX_SERVER_MESSAGE_BYTES);
      if (!result.ok) {
        errors[result.error.code] = (errors[result.error.code] ?? 0) + 1;
        console.warn(`bridge sent a bad message: ${result.error.code}: ${result.error.message}`);
        return;
      }
      const m = result.message;
      if (m.type === 'pong') {
        const t = now();
        const rtt = t - m.sentAt;
        // The lowest-RTT sample has the least queueing in it, so its offset is the most trustworthy.
        if (rtt <= bestRtt) {
          bestRtt = rtt;
          update({ rttMs: rtt, clockOffsetMs: m.receivedAt - (m.sentAt + rtt / 2) });
        } else update({ rttMs: rtt });
        return;
      }
      if (m.type === 'ping') {
        send({ type: 'pong', id: m.id, sentAt: m.sentAt, receivedAt: now() });
        return;
      }
      opts.onMessage(m);
    };
    socket.onclose = (ev) => {
      clearInterval(pingTimer);
      if (ws !== socket) return;
      ws = null;
      if (disposed) return;
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
    dispose: () => {
      disposed = true;
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      ws?.close(1000, 'page closed');
      ws = null;
    },
  };
}
