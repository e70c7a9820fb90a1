import { FLOAT32_OPTIONS, Packr } from 'msgpackr';
import { ProtocolError } from './errors.ts';
import { errorFromWire, errorToWire } from './error.ts';
import { hidFromWire, hidToWire } from './hid.ts';
import { sessionFromWire, sessionToWire } from './session.ts';
import { statusFromWire, statusToWire } from './status.ts';
import { videoFromWire, videoToWire } from './video.ts';
import type { Message } from './index.ts';

/**
 * The one MessagePack codec both ends use. Every option is spelled out because msgpackr's bare
 * pack/unpack default differently from `new Packr()`, and because a silent default change
 * (records, float32, bigint) would change the bytes on the wire. No extensions are registered.
 */
const packr = new Packr({
  useRecords: false, // plain MessagePack arrays, no msgpackr record extension
  structuredClone: false,
  moreTypes: false, // typed arrays pack as plain bin, nothing else becomes an extension
  bundleStrings: false,
  mapsAsObjects: true,
  variableMapSize: true,
  useFloat32: FLOAT32_OPTIONS.NEVER, // timestamps need float64
  int64AsType: 'number', // epoch ms above 2^32 packs as uint64 and must come back as a number
  largeBigIntToFloat: false,
  useTimestamp32: false,
  encodeUndefinedAsNil: false,
  copyBuffers: false, // bin fields are views into the input; hid.ts copies the small reports
  useToJSON: false,
});

/** Encodes a message as one MessagePack array `[tag, ...fields]` (protocol/README.md). */
export function encode(m: Message): Uint8Array {
  return packr.pack(toWire(m));
}

function toWire(m: Message): unknown[] {
  switch (m.type) {
    case 'hello':
    case 'ping':
    case 'pong':
      return sessionToWire(m);
    case 'keyboard':
    case 'mouse':
    case 'mouse-rel':
    case 'batch':
    case 'batch-progress':
    case 'batch-end':
    case 'batch-cancel':
    case 'release-all':
      return hidToWire(m);
    case 'hid-status':
    case 'leds':
    case 'video-status':
      return statusToWire(m);
    case 'frame':
      return videoToWire(m);
    case 'error':
      return errorToWire(m);
    default:
      return assertNever(m);
  }
}

export function assertNever(x: never): never {
  throw new ProtocolError('internal', `unhandled message ${JSON.stringify(x)}`);
}

export type DecodeResult = { ok: true; message: Message } | { ok: false; error: ProtocolError };

/**
 * Decodes and validates one message. Never throws: a malformed, oversized, unknown or invalid
 * message comes back as `{ ok: false, error }` with a ProtocolError code.
 * @param bytes one WebSocket binary message
 * @param maxBytes the receiver's size limit in bytes; longer input is refused before parsing
 */
export function decode(bytes: Uint8Array, maxBytes: number): DecodeResult {
  try {
    if (bytes.byteLength > maxBytes) {
      throw new ProtocolError('oversized', `message of ${bytes.byteLength} bytes exceeds the limit of ${maxBytes}`);
    }
    return { ok: true, message: fromWire(unpackOne(bytes)) };
  } catch (e) {
    if (e instanceof ProtocolError) return { ok: false, error: e };
    return { ok: false, error: new ProtocolError('internal', `decoder failure: ${String(e)}`) };
  }
}

function unpackOne(bytes: Uint8Array): unknown {
  let count = 0;
  let value: unknown;
  try {
    packr.unpackMultiple(bytes, (v: unknown) => {
      count++;
      value = v;
      return count < 2; // stop at the second value: trailing bytes are enough to refuse
    });
  } catch (e) {
    throw new ProtocolError('malformed', `not MessagePack: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (count !== 1)
    throw new ProtocolError('malformed', count === 0 ? 'empty message' : 'trailing bytes after the message');
  return value;
}

function fromWire(v: unknown): Message {
  if (!Array.isArray(v) || v.length === 0)
    throw new ProtocolError('malformed', 'a message is a non-empty array [tag, ...fields]');
  const tag: unknown = v[0];
  if (typeof tag !== 'number' || !Number.isInteger(tag) || tag < 0 || tag > 0xff) {
    throw new ProtocolError('malformed', `tag must be an integer 0..255, got ${String(tag)}`);
  }
  const m =
    sessionFromWire(tag, v) ??
    hidFromWire(tag, v) ??
    statusFromWire(tag, v) ??
    videoFromWire(tag, v) ??
    errorFromWire(tag, v);
  if (!m) throw new ProtocolError('unknown-type', `unknown message tag 0x${tag.toString(16).padStart(2, '0')}`);
  return m;
}
