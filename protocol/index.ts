/**
 * The wire protocol between the PWA and the bridge, written once and imported by both ends.
 * See README.md in this folder for the byte-level format and test vectors.
 *
 * Peers use the directional codec: the bridge `decodeClient` / `encodeServer`, the page
 * `decodeServer` / `encodeClient`, so a message sent the wrong way is a type error on the sender
 * and `not-allowed` on the receiver. `encode` / `decode` take either direction (tools, tests).
 */

/** Limit for messages a client sends (a large paste batch fits), bytes. */
export const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;
/** Limit for messages the bridge sends (frames), bytes. */
export const MAX_SERVER_MESSAGE_BYTES = 9 * 1024 * 1024;

export * from './messages.ts';
export {
  assertNever,
  decode,
  decodeClient,
  decodeServer,
  encode,
  encodeClient,
  encodeServer,
  type DecodeResult,
} from './codec.ts';
export { ProtocolError, ERROR_CODES, isErrorCode, type ErrorCode } from './errors.ts';
export { describe as describeValue } from './fields.ts';
export * from './session.ts';
export * from './hid.ts';
export * from './status.ts';
export * from './video.ts';
export * from './control.ts';
export * from './error.ts';
export * from './reports.ts';
