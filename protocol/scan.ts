import { ProtocolError } from './errors.ts';
import { MAX_BATCH_STEPS } from './hid.ts';

/** Deepest array nesting any message uses: `[tag, [[device, report, delay], ...]]` is 3. */
export const MAX_DEPTH = 3;

/**
 * Most items an array may hold at each nesting depth (index = depth of the array, 1 = the message
 * itself). No message has more than 16 fields; the longest list is a batch's steps
 * (MAX_BATCH_STEPS); a step has 3 fields. Refusing a larger count here keeps msgpackr from
 * building a million-element array only for the field check to refuse it (32–70 ms a message).
 */
export const MAX_ITEMS_AT_DEPTH: readonly number[] = [0, 16, MAX_BATCH_STEPS, 16];

/**
 * What the scan learned that msgpackr's output cannot tell: which numbers came as floats. Only
 * floats below 2^32 count: every encoder writes such an integer as a MessagePack integer, while
 * msgpackr writes integers of 2^32 and more (epoch ms) as float64.
 */
export interface ScanResult {
  /** Bit i set: element i of the top-level array was a float32/float64 below 2^32 (for i < 31). */
  topFloats: number;
  /** A float somewhere below the top-level array (no message allows one there). */
  nestedFloat: boolean;
}

const malformed = (what: string): never => {
  throw new ProtocolError('malformed', what);
};

/**
 * Walks one MessagePack value (spec: github.com/msgpack/msgpack/blob/master/spec.md) without
 * building it, before msgpackr sees the bytes. It refuses, as `malformed`, everything the protocol
 * never uses but msgpackr would interpret: every ext family (fixext 1..16 `d4`..`d8`, ext 8/16/32
 * `c7`..`c9`; msgpackr's global registry turns those into BigInt, Date, Error, RegExp, Set, typed
 * arrays, records or structured-clone references), maps (`80`..`8f`, `de`, `df`), the never-used
 * byte `c1`, nesting deeper than {@link MAX_DEPTH}, a truncated value, and trailing bytes; and, as
 * `bad-field`, an array longer than {@link MAX_ITEMS_AT_DEPTH} allows.
 * O(bytes) with no allocation per item; error texts name the MessagePack type and offset, never
 * the value.
 * @throws ProtocolError('malformed' or 'bad-field')
 */
export function scanMessage(b: Uint8Array): ScanResult {
  const end = b.byteLength;
  if (end === 0) malformed('empty message');
  let depth = 0;
  let p = 0;
  let topFloats = 0;
  let nestedFloat = false;
  for (;;) {
    if (p >= end) malformed(`truncated at byte ${p}`);
    const t = b[p++]!;
    let items = -1; // >= 0 when this token opens an array
    let skip = 0; // payload bytes after the header
    let isFloat = false;
    if (t <= 0x7f || t >= 0xe0 || t === 0xc0 || t === 0xc2 || t === 0xc3) {
      // fixint, nil, bool: no payload
    } else if (t >= 0xa0 && t <= 0xbf) skip = t & 0x1f;
    else if (t >= 0x90 && t <= 0x9f) items = t & 0x0f;
    else {
      switch (t) {
        case 0xc4:
        case 0xd9:
          if (p + 1 > end) malformed(`truncated at byte ${p}`);
          skip = b[p++]!;
          break;
        case 0xc5:
        case 0xda:
          if (p + 2 > end) malformed(`truncated at byte ${p}`);
          skip = (b[p]! << 8) | b[p + 1]!;
          p += 2;
          break;
        case 0xc6:
        case 0xdb:
          if (p + 4 > end) malformed(`truncated at byte ${p}`);
          skip = b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
          p += 4;
          break;
        case 0xca:
          if (p + 4 > end) malformed(`truncated at byte ${p}`);
          isFloat = floatBelow2p32(b, p, 4);
          skip = 4;
          break;
        case 0xcb:
          if (p + 8 > end) malformed(`truncated at byte ${p}`);
          // msgpackr (like JSON-minded encoders) writes integers of 2^32 and above as float64.
          isFloat = floatBelow2p32(b, p, 8);
          skip = 8;
          break;
        case 0xcc:
        case 0xd0:
          skip = 1;
          break;
        case 0xcd:
        case 0xd1:
          skip = 2;
          break;
        case 0xce:
        case 0xd2:
          skip = 4;
          break;
        case 0xcf:
        case 0xd3:
          skip = 8;
          break;
        case 0xdc:
          if (p + 2 > end) malformed(`truncated at byte ${p}`);
          items = (b[p]! << 8) | b[p + 1]!;
          p += 2;
          break;
        case 0xdd:
          if (p + 4 > end) malformed(`truncated at byte ${p}`);
          items = b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
          p += 4;
          break;
        case 0xc1:
          return malformed(`byte 0xc1 at ${p - 1} is never used in MessagePack`);
        default:
          if ((t >= 0x80 && t <= 0x8f) || t === 0xde || t === 0xdf)
            return malformed(`MessagePack map at byte ${p - 1} (the protocol uses arrays only)`);
          // 0xc7..0xc9, 0xd4..0xd8
          return malformed(`MessagePack ext type at byte ${p - 1} (the protocol uses no extensions)`);
      }
    }
    if (skip > 0) {
      if (p + skip > end) malformed(`truncated at byte ${p}`);
      p += skip;
    }
    if (isFloat) {
      if (depth === 1 && index[1]! < 31) topFloats |= 1 << index[1]!;
      else if (depth > 1) nestedFloat = true;
    }
    if (items >= 0) {
      if (depth === MAX_DEPTH) malformed(`arrays nested deeper than ${MAX_DEPTH} at byte ${p - 1}`);
      // Every item takes at least one byte: a count beyond the input is a lie, refuse it now.
      if (items > end - p) malformed(`array of ${items} items at byte ${p - 1} is longer than the message`);
      if (items > MAX_ITEMS_AT_DEPTH[depth + 1]!)
        throw new ProtocolError(
          'bad-field',
          `array of ${items} items at byte ${p - 1}: at most ${MAX_ITEMS_AT_DEPTH[depth + 1]!} at depth ${depth + 1}`,
        );
      if (items > 0) {
        depth++;
        remaining[depth] = items;
        index[depth] = 0;
        continue;
      }
    }
    // One item finished at the current depth; close every array it completes.
    while (depth > 0) {
      index[depth]!++;
      if (--remaining[depth]! > 0) break;
      depth--;
    }
    if (depth === 0) break;
  }
  if (p !== end) malformed(`${end - p} trailing bytes after the message`);
  return { topFloats, nestedFloat };
}

// Scratch for scanMessage (not re-entrant, and it never calls out): items left and the current
// item's index per open array. Module-level so a 12-byte keyboard message allocates nothing.
const remaining = new Float64Array(MAX_DEPTH + 1);
const index = new Float64Array(MAX_DEPTH + 1);
const f32 = new DataView(new ArrayBuffer(8));

/** Whether the big-endian float32/float64 at b[p] is below 2^32 (NaN counts as below). */
function floatBelow2p32(b: Uint8Array, p: number, size: 4 | 8): boolean {
  for (let i = 0; i < size; i++) f32.setUint8(i, b[p + i]!);
  const v = size === 4 ? f32.getFloat32(0) : f32.getFloat64(0);
  return !(v >= 2 ** 32);
}
