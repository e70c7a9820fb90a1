import { arity, list, num, str, uint } from './fields.ts';

/**
 * The protocol version this code speaks. A hello with another version is refused.
 * 2: hello carries a session token; control family; ClientMessage/ServerMessage split.
 * 3: frame carries its stage times (captureSource, grabMs, encodeMs, receivedAt, skipped).
 */
export const PROTOCOL_VERSION = 3;

/** Longest session token a hello may carry, chars (the bridge's tokens are 43-char base64url). */
export const MAX_TOKEN_CHARS = 256;

export const SessionTag = { hello: 0x01, ping: 0x02, pong: 0x03 } as const;

/**
 * First message each way. Wire: `[0x01, version, capabilities: string[], agent: string, token: string]`.
 * Capabilities name optional features (e.g. 'batch', 'mouse-rel', 'leds'); unknown ones are ignored.
 * A 4-field hello (protocol 1, no token) still decodes, with token '', so the receiver can answer
 * `version` instead of `bad-field`. `version` decodes as any non-negative integer: the receiver
 * refuses every value but its own (including those above 65535) with `version`.
 */
export interface Hello {
  type: 'hello';
  version: number;
  capabilities: string[];
  /** Free text naming the peer, e.g. 'pwa/0.1.0' or 'bridge/0.1.0'; at most 64 chars. */
  agent: string;
  /**
   * Client → bridge: the session token from POST /api/login (base64url, at most 256 chars).
   * Bridge → client: always ''. Never logged.
   */
  token: string;
}

/** Clock probe. Wire: `[0x02, id, sentAt]`, sentAt in ms since the Unix epoch on the sender's clock. */
export interface Ping {
  type: 'ping';
  id: number;
  sentAt: number;
}

/**
 * Answer to a ping. Wire: `[0x03, id, sentAt, receivedAt]`: `sentAt` echoes the ping; `receivedAt`
 * is the answerer's clock (ms since epoch). RTT = now - sentAt; offset ≈ receivedAt - (sentAt + RTT/2).
 */
export interface Pong {
  type: 'pong';
  id: number;
  sentAt: number;
  receivedAt: number;
}

export type SessionMessage = Hello | Ping | Pong;

export function sessionToWire(m: SessionMessage): unknown[] {
  switch (m.type) {
    case 'hello':
      return [SessionTag.hello, m.version, m.capabilities, m.agent, m.token];
    case 'ping':
      return [SessionTag.ping, m.id, m.sentAt];
    case 'pong':
      return [SessionTag.pong, m.id, m.sentAt, m.receivedAt];
  }
}

export function sessionFromWire(tag: number, w: readonly unknown[]): SessionMessage | undefined {
  switch (tag) {
    case SessionTag.hello: {
      arity(w, 'hello', 3, 4);
      const caps = list(w[2], 'hello.capabilities', 32).map((c, i) => str(c, `hello.capabilities[${i}]`, 32));
      return {
        type: 'hello',
        version: uint(w[1], 'hello.version', Number.MAX_VALUE),
        capabilities: caps,
        agent: str(w[3], 'hello.agent', 64),
        token: w.length > 4 ? str(w[4], 'hello.token', MAX_TOKEN_CHARS) : '',
      };
    }
    case SessionTag.ping:
      arity(w, 'ping', 2);
      return { type: 'ping', id: uint(w[1], 'ping.id', 0xffffffff), sentAt: num(w[2], 'ping.sentAt') };
    case SessionTag.pong:
      arity(w, 'pong', 3);
      return {
        type: 'pong',
        id: uint(w[1], 'pong.id', 0xffffffff),
        sentAt: num(w[2], 'pong.sentAt'),
        receivedAt: num(w[3], 'pong.receivedAt'),
      };
    default:
      return undefined;
  }
}
