import { type Message } from '../../../protocol/index.ts';
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
    backoff?: {
        initialMs: number;
        maxMs: number;
    };
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
export declare const PWA_AGENT = "pwa/0.1.0";
/**
 * The PWA's WebSocket to the bridge. Reconnects by itself with exponential backoff and jitter.
 * Sends hello on open and pings every `pingIntervalMs` for RTT and clock offset. Nothing is
 * queued while disconnected: the caller learns from send() returning false.
 */
export declare function makeConnection(opts: ConnectionOptions): Connection;
