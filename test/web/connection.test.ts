import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decode, encode, PROTOCOL_VERSION, type Message, type ServerMessage } from '../../protocol/index.ts';
import {
  CLOSE_UNAUTHORIZED,
  CLOSE_VERSION,
  makeConnection,
  type ConnectionInfo,
  type ConnectionOptions,
} from '../../web/src/lib/connection.ts';

/** A WebSocket the test drives: it records what the page sends and fires the events it is told to. */
class MockSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static all: MockSocket[] = [];
  readyState = MockSocket.CONNECTING;
  binaryType = 'blob';
  sent: Message[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: ArrayBuffer | string }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {
    MockSocket.all.push(this);
  }
  send(bytes: Uint8Array): void {
    const r = decode(bytes, 1 << 20);
    if (!r.ok) throw new Error(`page sent a bad message: ${r.error.message}`);
    this.sent.push(r.message);
  }
  close(code = 1000, reason = ''): void {
    this.serverClose(code, reason);
  }
  // Test side
  open(): void {
    this.readyState = MockSocket.OPEN;
    this.onopen?.();
  }
  receive(m: ServerMessage): void {
    const b = encode(m);
    this.onmessage?.({ data: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer });
  }
  serverClose(code: number, reason = ''): void {
    if (this.readyState === MockSocket.CLOSED) return;
    this.readyState = MockSocket.CLOSED;
    this.onclose?.({ code, reason });
  }
}

const latest = (): MockSocket => MockSocket.all.at(-1)!;
const status: ServerMessage = { type: 'hid-status', keyboard: true, mouse: true, mouseRel: true, host: 'unknown' };

function connect(extra: Partial<ConnectionOptions> = {}) {
  const infos: ConnectionInfo[] = [];
  const messages: ServerMessage[] = [];
  let token = 'tok-1';
  const conn = makeConnection({
    url: 'ws://kvm.test/ws',
    token: () => token,
    onMessage: (m) => messages.push(m),
    onInfo: (i) => infos.push(i),
    ...extra,
  });
  return { conn, infos, messages, setToken: (t: string) => (token = t), info: () => conn.info() };
}

beforeEach(() => {
  MockSocket.all = [];
  vi.useFakeTimers();
  vi.stubGlobal('WebSocket', MockSocket);
  vi.spyOn(Math, 'random').mockReturnValue(0.5); // jitter factor exactly 1
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('makeConnection', () => {
  it('sends hello with the protocol version and the session token first, then a ping', () => {
    const { info } = connect();
    expect(info().state).toBe('connecting');
    latest().open();
    expect(info().state).toBe('open');
    const [hello, ping] = latest().sent;
    expect(hello).toMatchObject({ type: 'hello', version: PROTOCOL_VERSION, token: 'tok-1' });
    expect(ping?.type).toBe('ping');
  });

  it('reads the token at every attempt, so a fresh login is used on the next connection', () => {
    const { setToken } = connect();
    latest().open();
    latest().serverClose(1006);
    setToken('tok-2');
    vi.advanceTimersByTime(250);
    latest().open();
    expect(latest().sent[0]).toMatchObject({ type: 'hello', token: 'tok-2' });
  });

  it('reconnects with exponential backoff capped at maxMs', () => {
    const { info } = connect({ backoff: { initialMs: 250, maxMs: 2000 } });
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      latest().serverClose(1006);
      expect(info().state).toBe('closed');
      expect(info().detail).toBe('connection lost');
      delays.push(info().retryAt - Date.now());
      const before = MockSocket.all.length;
      vi.advanceTimersByTime(delays.at(-1)! - 1);
      expect(MockSocket.all.length).toBe(before);
      vi.advanceTimersByTime(1);
      expect(MockSocket.all.length).toBe(before + 1);
    }
    expect(delays).toEqual([250, 500, 1000, 2000, 2000, 2000]);
  });

  it('jitters each delay by ±20 %', () => {
    vi.mocked(Math.random).mockReturnValue(0);
    const { info } = connect();
    latest().serverClose(1006);
    expect(info().retryAt - Date.now()).toBe(200);
  });

  it('restarts the backoff once the bridge accepts the hello, not merely on open', () => {
    const { info } = connect();
    for (let i = 0; i < 3; i++) {
      latest().open();
      latest().receive({ type: 'hello', version: PROTOCOL_VERSION, capabilities: [], agent: 'bridge', token: '' });
      latest().serverClose(1011);
      vi.advanceTimersByTime(info().retryAt - Date.now());
    }
    latest().open();
    latest().serverClose(1011);
    expect(info().retryAt - Date.now()).toBe(2000); // 250·2^3: open alone did not reset it
    vi.advanceTimersByTime(2000);
    latest().open();
    latest().receive(status);
    latest().serverClose(1011);
    expect(info().retryAt - Date.now()).toBe(250);
  });

  it('drops messages while not open instead of queueing them', () => {
    const { conn } = connect();
    expect(conn.send({ type: 'release-all' })).toBe(false);
    latest().open();
    expect(conn.send({ type: 'release-all' })).toBe(true);
    latest().serverClose(1006);
    expect(conn.send({ type: 'release-all' })).toBe(false);
    vi.advanceTimersByTime(250);
    latest().open();
    expect(latest().sent.map((m) => m.type)).toEqual(['hello', 'ping']);
  });

  it.each([
    ['close 4000', 'version', () => latest().serverClose(CLOSE_VERSION, 'protocol version')],
    ['close 4001', 'unauthorized', () => latest().serverClose(CLOSE_UNAUTHORIZED, 'unauthorized')],
    [
      'error version, then a plain close',
      'version',
      () => {
        latest().receive({ type: 'error', code: 'version', message: 'this bridge speaks protocol 3' });
        latest().serverClose(1006);
      },
    ],
    [
      'error unauthorized, then close 4001',
      'unauthorized',
      () => {
        latest().receive({ type: 'error', code: 'unauthorized', message: 'session expired' });
        latest().serverClose(CLOSE_UNAUTHORIZED, 'unauthorized');
      },
    ],
  ] as const)('stops retrying for good after %s (refusal %s)', (_what, refusal, refuse) => {
    const { info } = connect();
    latest().open();
    refuse();
    expect(info()).toMatchObject({ state: 'refused', refusal, retryAt: 0 });
    expect(info().detail).toMatch(refusal === 'version' ? /disagree on the protocol version: reload/ : /log in/);
    const sockets = MockSocket.all.length;
    vi.advanceTimersByTime(10 * 60_000);
    expect(MockSocket.all.length).toBe(sockets);
  });

  it('forgets an announced refusal on the next attempt', () => {
    const { info } = connect();
    latest().open();
    latest().receive({ type: 'error', code: 'busy', message: 'a batch is playing' });
    latest().serverClose(1006);
    expect(info().state).toBe('closed');
  });

  it('leaves a refusal when asked to reconnect (after a new login)', () => {
    const { conn, info, setToken } = connect();
    latest().open();
    latest().serverClose(CLOSE_UNAUTHORIZED, 'unauthorized');
    setToken('tok-new');
    conn.reconnect();
    expect(info()).toMatchObject({ state: 'connecting', refusal: null });
    latest().open();
    expect(latest().sent[0]).toMatchObject({ token: 'tok-new' });
  });

  it('stops pinging and never reconnects after dispose', () => {
    const { conn } = connect({ pingIntervalMs: 1000 });
    latest().open();
    vi.advanceTimersByTime(3000);
    const pings = latest().sent.filter((m) => m.type === 'ping').length;
    expect(pings).toBe(4);
    conn.dispose();
    vi.advanceTimersByTime(60_000);
    expect(MockSocket.all).toHaveLength(1);
  });

  it('answers pings, measures RTT from pongs and passes the rest on', () => {
    const { messages, info } = connect();
    latest().open();
    latest().receive({ type: 'ping', id: 7, sentAt: 123 });
    expect(latest().sent.at(-1)).toMatchObject({ type: 'pong', id: 7, sentAt: 123 });
    const ping = latest().sent.find((m) => m.type === 'ping');
    vi.advanceTimersByTime(40);
    if (ping?.type !== 'ping') throw new Error('no ping');
    latest().receive({ type: 'pong', id: ping.id, sentAt: ping.sentAt, receivedAt: ping.sentAt + 1000 });
    expect(info().rttMs).toBeCloseTo(40, 0);
    expect(info().clockOffsetMs).toBeCloseTo(980, 0);
    latest().receive(status);
    expect(messages).toEqual([status]);
  });

  it('counts messages it cannot decode, and text frames, without passing them on', () => {
    const { conn, messages } = connect();
    latest().open();
    latest().onmessage?.({ data: new Uint8Array([0xc1]).buffer });
    latest().onmessage?.({ data: 'hello' });
    const b = encode({ type: 'release-all' }); // a client message coming from the bridge
    latest().onmessage?.({ data: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer });
    expect(messages).toEqual([]);
    expect(conn.decodeErrors()).toEqual({ malformed: 1, 'text-frame': 1, 'not-allowed': 1 });
  });
});
