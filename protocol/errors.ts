/**
 * Protocol error codes. An error crosses the wire as `{ code, message }` (see error.ts) and is
 * counted per code by whoever raised it.
 */
export const ERROR_CODES = [
  'malformed', // not MessagePack, trailing bytes, or not an array with an integer tag
  'unknown-type', // a tag this version does not define
  'oversized', // the encoded message is longer than the receiver's limit
  'version', // hello with a protocol version the receiver does not speak
  'bad-field', // a field of the wrong type, length or range
  'not-allowed', // a valid message this peer may not send (e.g. a status message from a client)
  'hid-offline', // the HID device for a report is not available; the report was dropped
  'busy', // a batch is already playing, or the HID device's queue is full (the report was not queued)
  'unauthorized', // no valid session token in hello (closes with 4001), or the session was revoked
  'not-controller', // input from a client that is not the controller; the message names the controller
  'rate-limited', // input above the client's rate; the message was refused, not queued
  'internal', // a bug on the sender's side; details in the message
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A protocol failure with a stable code. Never thrown out of decode(); returned as a value. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && (ERROR_CODES as readonly string[]).includes(v);
}
