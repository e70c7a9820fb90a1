/**
 * The wire protocol between the PWA and the bridge, written once and imported by both ends.
 * See README.md in this folder for the byte-level format and test vectors.
 */
import type { ErrorMsg } from './error.ts';
import type { HidMessage } from './hid.ts';
import type { SessionMessage } from './session.ts';
import type { StatusMessage } from './status.ts';
import type { VideoMessage } from './video.ts';

export type Message = SessionMessage | HidMessage | StatusMessage | VideoMessage | ErrorMsg;
export type MessageType = Message['type'];

/** Limit for messages a client sends (a large paste batch fits), bytes. */
export const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;
/** Limit for messages the bridge sends (frames), bytes. */
export const MAX_SERVER_MESSAGE_BYTES = 9 * 1024 * 1024;

/** Types a client may send to the bridge; anything else from a client is 'not-allowed'. */
export const CLIENT_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  'hello',
  'ping',
  'pong',
  'keyboard',
  'mouse',
  'mouse-rel',
  'batch',
  'batch-cancel',
  'release-all',
  'error',
]);

export { decode, encode, assertNever, type DecodeResult } from './codec.ts';
export { ProtocolError, ERROR_CODES, type ErrorCode } from './errors.ts';
export * from './session.ts';
export * from './hid.ts';
export * from './status.ts';
export * from './video.ts';
export * from './error.ts';
export * from './reports.ts';
