import type * as uWS from 'uWebSockets.js';
import {
  decodeClient,
  encodeServer,
  MAX_CLIENT_MESSAGE_BYTES,
  type ClientMessage,
  type ErrorCode,
  type ServerMessage,
} from '../../../protocol/index.ts';
import type { Auth, Principal } from '../auth/index.ts';
import type { Counters, RateLimitedLog } from '../counters.ts';
import type { Viewer } from '../fanout.ts';
import type { Limits } from './limits.ts';
import { TokenBucket } from './rate.ts';

/** Per-socket state (uWS UserData), the same on /ws and /ws/video. */
export interface UserData {
  /** Client id, 1.., as control-status names it; /ws and /ws/video draw from one sequence. */
  id: number;
  /** 'pending' until a hello with a valid token; 'closed' once uWS said so (the socket is gone). */
  state: 'pending' | 'ready' | 'closing' | 'closed';
  principal: Principal | null;
  viewer: Viewer;
  bucket: TokenBucket;
  helloTimer: ReturnType<typeof setTimeout> | null;
  /** When its send buffer went over the slow-client mark (ms, performance.now), or 0. */
  slowSince: number;
  /** The socket closes because its session was revoked: no reconnect grace. */
  revoked: boolean;
  /** Messages refused by the rate limit and not yet reported to the client. */
  rateRefused: number;
  /** Runs while the client is over its rate: reports rateRefused every RATE_REPLY_MS. */
  rateTimer: ReturnType<typeof setTimeout> | null;
  /** Start (ms) and count of rate-limit refusals in the current one-second flood window. */
  floodStart: number;
  floodCount: number;
}

export type Ws = uWS.WebSocket<UserData>;

/** Longest time a rate-limited refusal waits to be reported (coalesced with later ones), ms. */
export const RATE_REPLY_MS = 100;

/** Mark above which a client counts as slow: most of maxBackpressure is in use. */
const SLOW_FRACTION = 0.75;

/** uWS's text when a message exceeds maxPayloadLength; it then closes with 1006 and no reply. */
const UWS_TOO_BIG = 'Received too big message';

export interface SocketSetDeps {
  auth: Auth;
  counters: Counters;
  limited: RateLimitedLog;
  limits: Limits;
  /** Counter and log prefix: 'ws.' for /ws, 'ws.video.' for /ws/video. */
  prefix: string;
  /** Called for each socket of a revoked session, after it was told and before it closes. */
  onRevoked?(ws: Ws): void;
}

/**
 * The sockets of one endpoint and what every endpoint does with them alike: send and broadcast
 * (a closed uWS socket throws on any call, so every later path checks membership), refusals
 * that are counted and rate-limit logged, the input rate limit with coalesced replies and the
 * flood close, size and text-frame checks and decoding (intake), the hello timeout, closing the
 * sockets of a revoked session, and the slow-client watchdog.
 */
export class SocketSet {
  readonly sockets = new Set<Ws>();
  /** Authenticated sockets by client id. */
  readonly ready = new Map<number, Ws>();
  private readonly bySession = new Map<string, Set<Ws>>();
  private readonly errorCounter = new Map<ErrorCode, string>();
  private readonly watchdog: ReturnType<typeof setInterval>;
  private readonly offRevoke: () => void;

  constructor(private readonly deps: SocketSetDeps) {
    const { auth, counters, limited, limits } = deps;
    this.offRevoke = auth.onRevoke((sessionId) => {
      const set = this.bySession.get(sessionId);
      if (!set) return;
      for (const ws of [...set]) {
        ws.getUserData().revoked = true;
        counters.inc(`${deps.prefix}closed_revoked`);
        this.refuse(ws, 'unauthorized', 'the session ended (logged out, revoked or expired)');
        deps.onRevoked?.(ws);
        this.closeWith(ws, 4001, 'unauthorized');
      }
    });
    // A client that stays behind (its buffer near maxBackpressure) for slowClientMs is cut off:
    // video skips frames for it already, but status and replies would be lost.
    this.watchdog = setInterval(() => {
      const now = performance.now();
      for (const ws of this.sockets) {
        const d = ws.getUserData();
        if (ws.getBufferedAmount() < limits.maxBackpressure * SLOW_FRACTION) {
          d.slowSince = 0;
          continue;
        }
        if (d.slowSince === 0) d.slowSince = now;
        else if (now - d.slowSince > limits.slowClientMs && d.state !== 'closed') {
          counters.inc(`${deps.prefix}closed_slow`);
          limited('slow', () => `client ${d.id}: send buffer full for over ${limits.slowClientMs} ms: closing`);
          d.state = 'closed';
          ws.close(); // end() would queue its close frame behind the full buffer
        }
      }
    }, 1000);
    this.watchdog.unref();
  }

  /** Fresh UserData for an upgrade. */
  makeData(id: number, viewer: Viewer): UserData {
    const { limits } = this.deps;
    return {
      id,
      state: 'pending',
      principal: null,
      viewer,
      bucket: new TokenBucket(limits.inputRate, limits.inputBurst),
      helloTimer: null,
      slowSince: 0,
      revoked: false,
      rateRefused: 0,
      rateTimer: null,
      floodStart: 0,
      floodCount: 0,
    };
  }

  counterFor(code: ErrorCode): string {
    let name = this.errorCounter.get(code);
    if (!name) this.errorCounter.set(code, (name = `${this.deps.prefix}error.${code}`));
    return name;
  }

  send(ws: Ws, m: ServerMessage): void {
    if (!this.sockets.has(ws)) return;
    if (ws.send(encodeServer(m), true) === 2) this.deps.counters.inc(`${this.deps.prefix}send_dropped`); // 2: DROPPED
  }

  /** Sends to every authenticated socket. */
  broadcast(m: ServerMessage): void {
    const bytes = encodeServer(m);
    for (const ws of this.ready.values())
      if (ws.send(bytes, true) === 2) this.deps.counters.inc(`${this.deps.prefix}send_dropped`);
  }

  refuse(ws: Ws, code: ErrorCode, message: string): void {
    if (!this.sockets.has(ws)) return;
    this.deps.counters.inc(this.counterFor(code));
    const id = ws.getUserData().id;
    this.deps.limited(this.counterFor(code), () => `client ${id}: ${code}: ${message}`);
    this.send(ws, { type: 'error', code, message });
  }

  closeWith(ws: Ws, code: number, reason: string): void {
    if (!this.sockets.has(ws)) return;
    const d = ws.getUserData();
    if (d.state === 'closed' || d.state === 'closing') return;
    d.state = 'closing';
    ws.end(code, reason);
  }

  /** uWS open: the socket joins, and must say a good hello within helloTimeoutMs. */
  opened(ws: Ws): void {
    this.sockets.add(ws);
    this.deps.counters.inc(`${this.deps.prefix}opened`);
    const d = ws.getUserData();
    const ms = this.deps.limits.helloTimeoutMs;
    d.helloTimer = setTimeout(() => {
      d.helloTimer = null;
      if (d.state !== 'pending') return;
      this.refuse(ws, 'unauthorized', `no hello with a session token within ${ms} ms`);
      this.closeWith(ws, 4001, 'unauthorized');
    }, ms);
  }

  /** A good hello: the socket is ready, and closes with its session. */
  authenticated(ws: Ws, principal: Principal): void {
    const d = ws.getUserData();
    if (d.helloTimer) clearTimeout(d.helloTimer);
    d.helloTimer = null;
    d.principal = principal;
    d.state = 'ready';
    let set = this.bySession.get(principal.sessionId);
    if (!set) this.bySession.set(principal.sessionId, (set = new Set()));
    set.add(ws);
    this.deps.counters.inc(`${this.deps.prefix}authenticated`);
    this.ready.set(d.id, ws);
  }

  /**
   * uWS message, up to a decoded message: the rate limit (coalesced `rate-limited` replies, the
   * flood close), the size limit, binary frames only, decodeClient. Returns the message to
   * dispatch, or undefined when it was refused (and answered) here.
   */
  intake(ws: Ws, message: ArrayBuffer, isBinary: boolean): ClientMessage | undefined {
    const { counters, limits, prefix } = this.deps;
    const d = ws.getUserData();
    if (d.state === 'closing' || d.state === 'closed') return undefined;
    counters.inc(`${prefix}messages`);
    if (!d.bucket.take()) {
      d.rateRefused++;
      if (!d.rateTimer) this.rateReply(d, ws);
      const now = performance.now();
      if (now - d.floodStart > 1000) {
        d.floodStart = now;
        d.floodCount = 0;
      }
      if (++d.floodCount > limits.floodCloseRefused) {
        counters.inc(`${prefix}closed_flood`);
        if (d.rateTimer) clearTimeout(d.rateTimer);
        this.rateReply(d, ws, false);
        this.refuse(ws, 'rate-limited', `over ${limits.floodCloseRefused} messages refused within 1 s: closing`);
        this.closeWith(ws, 1008, 'input flood');
      }
      return undefined;
    }
    if (message.byteLength > MAX_CLIENT_MESSAGE_BYTES) {
      this.refuse(
        ws,
        'oversized',
        `message of ${message.byteLength} bytes exceeds the limit of ${MAX_CLIENT_MESSAGE_BYTES}`,
      );
      this.closeWith(ws, 1009, 'message too big');
      return undefined;
    }
    if (!isBinary) {
      this.refuse(ws, 'malformed', 'text frames are not part of the protocol; send MessagePack binary');
      if (d.state === 'pending') this.closeWith(ws, 4001, 'unauthorized');
      return undefined;
    }
    // decode copies what outlives this callback (uWS reuses `message` afterwards).
    const result = decodeClient(new Uint8Array(message), MAX_CLIENT_MESSAGE_BYTES);
    if (!result.ok) {
      this.refuse(ws, result.error.code, result.error.message);
      if (d.state === 'pending') this.closeWith(ws, 4001, 'unauthorized');
      return undefined;
    }
    return result.message;
  }

  /** Runs the dispatcher; what it throws becomes an `internal` error to the client and a log line. */
  dispatch(ws: Ws, m: ClientMessage, handle: (ws: Ws, m: ClientMessage) => void): void {
    try {
      handle(ws, m);
    } catch (e) {
      this.refuse(ws, 'internal', `bridge failed on ${m.type}: ${e instanceof Error ? e.name : typeof e}`);
      this.deps.limited('internal', () => `internal error on ${m.type}: ${e instanceof Error ? e.stack : String(e)}`);
    }
  }

  /**
   * uWS close: forget the socket, count it, clear its timers. Returns whether it had been
   * authenticated (so the endpoint undoes what its hello did).
   */
  closed(ws: Ws, code: number, message: ArrayBuffer): boolean {
    const { counters, prefix } = this.deps;
    const d = ws.getUserData();
    const wasReady = d.principal !== null && this.ready.has(d.id);
    d.state = 'closed';
    this.sockets.delete(ws);
    counters.inc(`${prefix}closed`);
    if (code === 1006 && message.byteLength === UWS_TOO_BIG.length && Buffer.from(message).toString() === UWS_TOO_BIG) {
      // uWS refused a message over maxPayloadLength itself: no reply was possible.
      counters.inc(this.counterFor('oversized'));
      counters.inc(`${prefix}closed_oversized`);
    }
    if (d.helloTimer) clearTimeout(d.helloTimer);
    if (d.rateTimer) clearTimeout(d.rateTimer);
    if (d.rateRefused > 0) counters.inc(this.counterFor('rate-limited'), d.rateRefused);
    if (!wasReady || !d.principal) return false;
    this.ready.delete(d.id);
    const set = this.bySession.get(d.principal.sessionId);
    set?.delete(ws);
    if (set?.size === 0) this.bySession.delete(d.principal.sessionId);
    return true;
  }

  /** Closes every socket (bridge shutdown). */
  closeAll(code: number, reason: string): void {
    for (const ws of [...this.sockets]) this.closeWith(ws, code, reason);
  }

  dispose(): void {
    clearInterval(this.watchdog);
    this.offRevoke();
  }

  // A flood must cost O(1) per message, replies included: the first refused message is answered
  // at once, later ones within RATE_REPLY_MS with one error whose text starts with their count.
  private rateReply(d: UserData, ws: Ws, again = true): void {
    const { counters, limited, limits } = this.deps;
    const n = d.rateRefused;
    d.rateRefused = 0;
    d.rateTimer = null;
    if (n === 0) return;
    counters.inc(this.counterFor('rate-limited'), n);
    limited(this.counterFor('rate-limited'), () => `client ${d.id}: ${n} messages rate-limited`);
    this.send(ws, {
      type: 'error',
      code: 'rate-limited',
      message: `${n} message${n === 1 ? '' : 's'} refused: over ${limits.inputRate} messages/s (bursts of ${limits.inputBurst})`,
    });
    if (again) d.rateTimer = setTimeout(() => this.rateReply(d, ws), RATE_REPLY_MS);
  }
}
