/**
 * The fuzzer's WebSocket clients.
 * - Authenticated: pipelined hostile messages in chunks, each chunk followed by a sentinel ping;
 *   the bridge answers in order, so its pong closes the chunk, and predicted error replies that
 *   did not come by then are unanswered. At most `window` chunks are in flight per client.
 * - Flood: a viewer sending pings and keyboard reports as fast as its send buffer allows; every
 *   one must get exactly one reply (pong, not-controller or rate-limited).
 * - Unauthenticated: one hostile message on a fresh socket; the bridge must answer it with an
 *   error and close (4000, 4001, 1009; or 1006 for > 2 MiB, which uWS refuses by itself).
 */
import WebSocket from 'ws';
import { decodeServer, encodeClient, PROTOCOL_VERSION } from '../../protocol/index.ts';
import type { Hostile } from './hostile.ts';

export interface Tally {
  sent: number;
  byKind: Record<string, number>;
  errorsByCode: Record<string, number>;
  /** Predicted error replies that never came. */
  unanswered: number;
  /** Closes by code, authenticated and not. */
  closes: Record<string, number>;
  /** Closes nobody asked for (an authenticated socket closed without a closing message). */
  unexpectedCloses: Record<string, number>;
  /** Upgrades refused (HTTP status). */
  refusedUpgrades: Record<string, number>;
  /** Messages sent on a socket that then died before answering (counted apart from unanswered). */
  lostToClose: number;
}

export const makeTally = (): Tally => ({
  sent: 0,
  byKind: {},
  errorsByCode: {},
  unanswered: 0,
  closes: {},
  unexpectedCloses: {},
  refusedUpgrades: {},
  lostToClose: 0,
});

const DEBUG = Boolean(process.env.FUZZ_DEBUG);

const inc = (r: Record<string, number>, k: string, by = 1): void => {
  r[k] = (r[k] ?? 0) + by;
};

interface Conn {
  ws: WebSocket;
  closed: Promise<number>;
}

/** Opens /ws; resolves after the bridge's hello. undefined if the upgrade is refused. */
async function open(port: number, tally: Tally, onMessage: (m: Buffer) => void): Promise<Conn | undefined> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { maxPayload: 64 * 1024 * 1024 });
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  let gotHello: () => void = () => undefined;
  const hello = new Promise<void>((r) => (gotHello = r));
  let first = true;
  ws.on('message', (data: Buffer) => {
    if (first) {
      first = false;
      gotHello();
      return;
    }
    onMessage(data);
  });
  const ok = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('unexpected-response', (_req, res) => {
      inc(tally.refusedUpgrades, String(res.statusCode));
      res.resume();
      resolve(false);
    });
    ws.once('error', () => resolve(false));
  });
  if (!ok) {
    ws.terminate();
    return undefined;
  }
  await Promise.race([hello, closed, new Promise((r) => setTimeout(r, 10_000))]);
  return { ws, closed };
}

const helloBytes = (token: string): Uint8Array =>
  encodeClient({ type: 'hello', version: PROTOCOL_VERSION, capabilities: ['batch'], agent: 'fuzz', token });

/** Sentinel pings: ids from here up, sentAt a value no hostile message uses. */
const SENTINEL_BASE = 0xf0000000;
const SENTINEL_AT = 1234.5;

interface Chunk {
  sentinel: number;
  /** FUZZ_DEBUG: what was sent, to show a chunk with an unanswered message. */
  sent?: string[];
  /** Predicted error replies by code. */
  want: Record<string, number>;
  messages: number;
  closing: boolean;
}

export interface AuthClientOptions {
  port: number;
  token: () => Promise<string>;
  next: () => Hostile;
  /** Asked before each message: false stops the client. */
  more: () => boolean;
  tally: Tally;
  chunk?: number;
  window?: number;
  /** No reply at all for this long with chunks in flight: they count as unanswered, and the client reconnects. */
  stuckMs?: number;
}

/** Runs one authenticated client until `more()` says stop and its last chunk is answered. */
export async function runAuthClient(o: AuthClientOptions): Promise<void> {
  const CHUNK = o.chunk ?? 32;
  const WINDOW = o.window ?? 8;
  const stuckMs = o.stuckMs ?? 15_000;
  let sentinelSeq = 0;
  while (o.more()) {
    const inflight: Chunk[] = [];
    let got: Record<string, number> = {};
    let lastHeard = performance.now();
    let wake: () => void = () => undefined;
    /** Closes every chunk up to and including the one whose sentinel came back. */
    const settle = (upTo: number): void => {
      const want: Record<string, number> = {};
      const debugSent: string[] = [];
      while (inflight.length && inflight[0]!.sentinel <= upTo) {
        const c = inflight.shift()!;
        for (const [k, v] of Object.entries(c.want)) inc(want, k, v);
        if (c.sent) debugSent.push(...c.sent);
      }
      let deficit = 0;
      for (const [k, v] of Object.entries(want)) deficit += Math.max(0, v - (got[k] ?? 0));
      const missing = Math.max(0, deficit - (got['rate-limited'] ?? 0));
      o.tally.unanswered += missing;
      if (missing && DEBUG) console.log('unanswered', JSON.stringify({ want, got, sent: debugSent }));
      got = {};
    };
    let authed: () => void = () => undefined;
    const ready = new Promise<void>((r) => (authed = r));
    const conn = await open(o.port, o.tally, (data) => {
      lastHeard = performance.now();
      const r = decodeServer(new Uint8Array(data), 64 * 1024 * 1024);
      if (!r.ok) return inc(o.tally.errorsByCode, `undecodable-reply:${r.error.code}`);
      const m = r.message;
      if (m.type === 'control-status') authed();
      else if (m.type === 'error') {
        inc(o.tally.errorsByCode, m.code);
        inc(got, m.code);
      } else if (m.type === 'pong' && m.id >= SENTINEL_BASE && m.sentAt === SENTINEL_AT) {
        settle(m.id);
        wake();
      }
    });
    if (!conn) {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    let isClosed = false;
    let closeCode = 0;
    void conn.closed.then((c) => {
      isClosed = true;
      closeCode = c;
      wake();
    });
    conn.ws.send(helloBytes(await o.token()));
    await Promise.race([ready, conn.closed, new Promise((r) => setTimeout(r, 10_000))]);
    let closingSent = false;
    while (!isClosed && !closingSent && o.more()) {
      if (inflight.length >= WINDOW || conn.ws.bufferedAmount > 4 * 1024 * 1024) {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 1000);
        });
        if (inflight.length && performance.now() - lastHeard > stuckMs) break;
        continue;
      }
      const c: Chunk = { sentinel: 0, want: {}, messages: 0, closing: false };
      for (let i = 0; i < CHUNK && o.more(); i++) {
        const h = o.next();
        o.tally.sent++;
        c.messages++;
        inc(o.tally.byKind, h.kind);
        if (h.expect.kind === 'error') inc(c.want, h.expect.code);
        if (DEBUG)
          (c.sent ??= []).push(
            `${h.kind} ${JSON.stringify(h.expect)} ${typeof h.data === 'string' ? 'text' : Buffer.from(h.data.slice(0, 40)).toString('hex')}`,
          );
        conn.ws.send(h.data, { binary: typeof h.data !== 'string' });
        if (h.expect.kind === 'close-silently' || (h.expect.kind === 'error' && h.expect.closes)) {
          c.closing = true;
          closingSent = true;
          break;
        }
      }
      c.sentinel = SENTINEL_BASE + (sentinelSeq++ % 0x0fffffff);
      inflight.push(c);
      if (!c.closing) {
        o.tally.sent++;
        inc(o.tally.byKind, 'sentinel-ping');
        conn.ws.send(encodeClient({ type: 'ping', id: c.sentinel, sentAt: SENTINEL_AT }));
      }
    }
    // Drain: wait for the last sentinel (or the close a closing message asked for).
    const end = performance.now() + stuckMs;
    while (!isClosed && inflight.some((c) => !c.closing) && performance.now() < end) {
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 200);
      });
      if (performance.now() - lastHeard > stuckMs) break;
    }
    if (closingSent) await Promise.race([conn.closed, new Promise((r) => setTimeout(r, 5_000))]);
    if (!isClosed) {
      conn.ws.close(1000);
      await Promise.race([conn.closed, new Promise((r) => setTimeout(r, 2_000))]);
      conn.ws.terminate();
    }
    inc(o.tally.closes, String(closeCode || 'client'));
    if (!closingSent && closeCode && closeCode !== 1000 && closeCode !== 1005)
      inc(o.tally.unexpectedCloses, String(closeCode));
    // What is left: a closing chunk (its error came, or did not), or chunks cut off by a close.
    for (const c of inflight) {
      if (c.closing) {
        const want = Object.entries(c.want).reduce((s, [k, v]) => s + Math.max(0, v - (got[k] ?? 0)), 0);
        const missing = Math.max(0, want - (got['rate-limited'] ?? 0));
        o.tally.unanswered += missing;
        if (missing && DEBUG)
          console.log('unanswered before a close', closeCode, JSON.stringify({ want: c.want, got, sent: c.sent }));
        got = {};
      } else {
        o.tally.lostToClose += c.messages;
      }
    }
  }
}

/** Floods as a viewer: every message must get exactly one reply. */
export async function runFloodClient(o: {
  port: number;
  token: string;
  more: () => boolean;
  tally: Tally;
  maxBuffered?: number;
  /** Most messages without a reply yet. */
  window?: number;
}): Promise<{ sent: number; replies: number }> {
  let replies = 0;
  let sent = 0;
  let authed = false;
  const conn = await open(o.port, o.tally, (d) => {
    const r = decodeServer(new Uint8Array(d), 64 * 1024 * 1024);
    if (!r.ok) return;
    if (r.message.type === 'control-status') authed = true;
    else if (r.message.type === 'pong') replies++;
    else if (r.message.type === 'error') {
      replies++;
      inc(o.tally.errorsByCode, r.message.code);
    }
  });
  if (!conn) return { sent, replies };
  conn.ws.send(helloBytes(o.token));
  for (let i = 0; i < 100 && !authed; i++) await new Promise((r) => setTimeout(r, 50));
  replies = 0;
  const ping = encodeClient({ type: 'ping', id: 1, sentAt: 1 });
  const key = encodeClient({ type: 'keyboard', report: new Uint8Array(8) });
  let closed = false;
  void conn.closed.then(() => (closed = true));
  // A bounded window: past the bucket's burst (so the rate limit is met), not unbounded.
  const window = o.window ?? 50_000;
  while (o.more() && !closed) {
    if (conn.ws.bufferedAmount > (o.maxBuffered ?? 256 * 1024) || sent - replies > window) {
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    let n = 0;
    for (; n < 500 && o.more(); n++) conn.ws.send(n & 1 ? ping : key);
    sent += n;
    o.tally.sent += n;
    inc(o.tally.byKind, 'flood', n);
    await new Promise((r) => setImmediate(r));
  }
  // Until every reply came, or none came for 5 s.
  for (let seen = replies, quietSince = performance.now(); replies < sent && !closed;) {
    await new Promise((r) => setTimeout(r, 50));
    if (replies !== seen) [seen, quietSince] = [replies, performance.now()];
    else if (performance.now() - quietSince > 5_000) break;
  }
  o.tally.unanswered += Math.max(0, sent - replies);
  conn.ws.close(1000);
  await Promise.race([conn.closed, new Promise((r) => setTimeout(r, 2_000))]);
  conn.ws.terminate();
  return { sent, replies };
}

/** One hostile message on a fresh, unauthenticated socket: it must be answered and closed. */
export async function runUnauthOnce(o: { port: number; h: Hostile | 'silent'; tally: Tally }): Promise<void> {
  let errors = 0;
  const conn = await open(o.port, o.tally, (d) => {
    const r = decodeServer(new Uint8Array(d), 64 * 1024 * 1024);
    if (r.ok && r.message.type === 'error') {
      errors++;
      inc(o.tally.errorsByCode, r.message.code);
    } else inc(o.tally.errorsByCode, 'unauth-got-non-error');
  });
  if (!conn) return;
  if (o.h !== 'silent') {
    o.tally.sent++;
    inc(o.tally.byKind, `unauth:${o.h.kind}`);
    conn.ws.send(o.h.data, { binary: typeof o.h.data !== 'string' });
  }
  const silently = o.h !== 'silent' && o.h.expect.kind === 'close-silently';
  const code = await Promise.race([conn.closed, new Promise<number>((r) => setTimeout(() => r(-1), 15_000))]);
  inc(o.tally.closes, `unauth:${code}`);
  if (code === -1) {
    inc(o.tally.unexpectedCloses, 'unauth:never-closed');
    conn.ws.terminate();
  }
  if (!silently && errors === 0) o.tally.unanswered++;
}
