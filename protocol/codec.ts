import { FLOAT32_OPTIONS, Packr } from 'msgpackr';
import { controlFromWire, controlToWire } from './control.ts';
import { ProtocolError } from './errors.ts';
import { errorFromWire, errorToWire } from './error.ts';
import { hidFromWire, hidToWire } from './hid.ts';
import { isClientMessage, isServerMessage, type ClientMessage, type Message, type ServerMessage } from './messages.ts';
import { scanMessage } from './scan.ts';
import { sessionFromWire, sessionToWire } from './session.ts';
import { statusFromWire, statusToWire } from './status.ts';
import { videoFromWire, videoToWire } from './video.ts';

/**
 * The one MessagePack codec both ends use. Every option is spelled out because msgpackr's bare
 * pack/unpack default differently from `new Packr()`, and because a silent default change
 * (records, float32, bigint) would change the bytes on the wire. No extensions are registered,
 * and none is ever decoded: msgpackr's extension registry is global and always on (BigInt 0x42,
 * Error 0x65, Set 0x73, typed arrays 0x74, RegExp 0x78, Date -1, records 0x72, bundled strings
 * 0x62, structured-clone 0x69/0x70, undefined 0), so scanMessage() refuses every ext byte before
 * msgpackr sees the input. `addExtension` is global too: never call it.
 */
const packr = new Packr({
  useRecords: false, // plain MessagePack arrays, no msgpackr record extension
  structuredClone: false,
  moreTypes: false, // typed arrays pack as plain bin, nothing else becomes an extension
  bundleStrings: false,
  sequential: false,
  mapsAsObjects: true,
  variableMapSize: true,
  coercibleKeyAsNumber: false,
  allowArraysInMapKeys: false,
  mapAsEmptyObject: false,
  setAsEmptyObject: false,
  useFloat32: FLOAT32_OPTIONS.NEVER, // timestamps need float64
  int64AsType: 'number', // epoch ms above 2^32 packs as uint64 and must come back as a number
  largeBigIntToFloat: false,
  largeBigIntToString: false,
  useBigIntExtension: false,
  useTimestamp32: false,
  encodeUndefinedAsNil: false,
  copyBuffers: false, // bin fields are views into the input; hid.ts copies the small reports
  useToJSON: false,
});

/**
 * Top-level fields that may be float-encoded, as a bit mask of array indices per type (index 0
 * is the tag). Every other number the protocol carries is an integer, and a float there (even
 * 1.0) is `bad-field`.
 */
const FLOAT_FIELDS: Partial<Record<Message['type'], number>> = {
  ping: 1 << 2, // sentAt
  pong: (1 << 2) | (1 << 3), // sentAt, receivedAt
  frame: (1 << 2) | (1 << 3) | (1 << 6) | (1 << 7) | (1 << 8), // timestamp, sentAt, grabMs, encodeMs, receivedAt
  'video-status': 1 << 4, // fps
};

/** Encodes a message as one MessagePack array `[tag, ...fields]` (protocol/README.md). Either direction. */
export function encode(m: Message): Uint8Array {
  return packr.pack(toWire(m));
}
/** Encodes a message the page sends to the bridge. */
export const encodeClient: (m: ClientMessage) => Uint8Array = encode;
/** Encodes a message the bridge sends to a page. */
export const encodeServer: (m: ServerMessage) => Uint8Array = encode;

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
    case 'control-request':
    case 'control-release':
    case 'control-status':
      return controlToWire(m);
    case 'error':
      return errorToWire(m);
    default:
      return assertNever(m);
  }
}

/** Ends an exhaustive switch: compiling proves it unreachable; at run time it names the type only. */
export function assertNever(x: never): never {
  const type = (x as { type?: unknown } | null)?.type;
  throw new ProtocolError('internal', `unhandled message type ${typeof type === 'string' ? type.slice(0, 32) : '?'}`);
}

export type DecodeResult<M extends Message = Message> = { ok: true; message: M } | { ok: false; error: ProtocolError };

/**
 * Decodes and validates one message, either direction. Never throws: a malformed, oversized,
 * unknown or invalid message comes back as `{ ok: false, error }` with a ProtocolError code.
 * Error texts name types, sizes and offsets, never the offending value. O(bytes).
 * @param bytes one WebSocket binary message
 * @param maxBytes the receiver's size limit in bytes; longer input is refused before parsing
 */
export function decode(bytes: Uint8Array, maxBytes: number): DecodeResult {
  try {
    if (bytes.byteLength > maxBytes) {
      throw new ProtocolError('oversized', `message of ${bytes.byteLength} bytes exceeds the limit of ${maxBytes}`);
    }
    const scan = scanMessage(bytes);
    return { ok: true, message: fromWire(unpack(bytes), scan.topFloats, scan.nestedFloat) };
  } catch (e) {
    if (e instanceof ProtocolError) return { ok: false, error: e };
    return { ok: false, error: new ProtocolError('internal', `decoder failure: ${errorText(e)}`) };
  }
}

/** Decodes what a client sent; a bridge → client type is `not-allowed`. For the bridge. */
export function decodeClient(bytes: Uint8Array, maxBytes: number): DecodeResult<ClientMessage> {
  const r = decode(bytes, maxBytes);
  if (!r.ok || isClientMessage(r.message)) return r as DecodeResult<ClientMessage>;
  return { ok: false, error: new ProtocolError('not-allowed', `clients may not send ${r.message.type}`) };
}

/** Decodes what the bridge sent; a client → bridge type is `not-allowed`. For the page. */
export function decodeServer(bytes: Uint8Array, maxBytes: number): DecodeResult<ServerMessage> {
  const r = decode(bytes, maxBytes);
  if (!r.ok || isServerMessage(r.message)) return r as DecodeResult<ServerMessage>;
  return { ok: false, error: new ProtocolError('not-allowed', `the bridge may not send ${r.message.type}`) };
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : typeof e).slice(0, 120);

/** msgpackr on input scanMessage() accepted: arrays, scalars, str and bin only, ≤ 3 deep. */
function unpack(bytes: Uint8Array): unknown {
  try {
    return packr.unpack(bytes);
  } catch (e) {
    throw new ProtocolError('malformed', `not MessagePack: ${errorText(e)}`);
  }
}

function fromWire(v: unknown, topFloats: number, nestedFloat: boolean): Message {
  if (!Array.isArray(v) || v.length === 0)
    throw new ProtocolError('malformed', 'a message is a non-empty array [tag, ...fields]');
  const tag: unknown = v[0];
  if (typeof tag !== 'number' || !Number.isInteger(tag) || tag < 0 || tag > 0xff || topFloats & 1) {
    throw new ProtocolError('malformed', 'the tag must be an integer 0..255');
  }
  const m =
    sessionFromWire(tag, v) ??
    hidFromWire(tag, v) ??
    statusFromWire(tag, v) ??
    videoFromWire(tag, v) ??
    controlFromWire(tag, v) ??
    errorFromWire(tag, v);
  if (!m) throw new ProtocolError('unknown-type', `unknown message tag 0x${tag.toString(16).padStart(2, '0')}`);
  const badFloats = topFloats & ~(FLOAT_FIELDS[m.type] ?? 0);
  if (badFloats) {
    const field = 31 - Math.clz32(badFloats & -badFloats); // lowest offending index
    throw new ProtocolError('bad-field', `${m.type}: field ${field} must be an integer, got a float`);
  }
  if (nestedFloat) throw new ProtocolError('bad-field', `${m.type}: a nested field is a float where an integer is due`);
  return m;
}
