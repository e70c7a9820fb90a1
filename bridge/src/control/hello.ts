import { PROTOCOL_VERSION, type ErrorCode, type Hello } from '../../../protocol/index.ts';
import type { Auth, Principal } from '../auth/index.ts';

/** The client's hello decides: a principal, or the error to send and the close code (protocol/README.md). */
export type HelloVerdict =
  { ok: true; principal: Principal } | { ok: false; code: ErrorCode; message: string; close: number; reason: string };

/**
 * The hello gate both endpoints share: another protocol version is `version` + close 4000; a
 * missing, bad, expired or revoked session token is `unauthorized` + close 4001.
 */
export function checkHello(auth: Auth, m: Hello): HelloVerdict {
  if (m.version !== PROTOCOL_VERSION) {
    return {
      ok: false,
      code: 'version',
      message: `this bridge speaks protocol ${PROTOCOL_VERSION}`,
      close: 4000,
      reason: 'protocol version',
    };
  }
  const principal = m.token ? auth.verify(m.token) : undefined;
  if (!principal) {
    return {
      ok: false,
      code: 'unauthorized',
      message: m.token ? 'the session token is not valid (expired or logged out?)' : 'no token',
      close: 4001,
      reason: 'unauthorized',
    };
  }
  return { ok: true, principal };
}

/** The bridge's own hello, sent on open (token always ''). */
export function bridgeHello(capabilities: string[], agent: string): Hello {
  return { type: 'hello', version: PROTOCOL_VERSION, capabilities, agent, token: '' };
}

/** A main-socket hello capability: this socket wants no frames (the page's worker has /ws/video). */
export const NO_VIDEO = 'no-video';
