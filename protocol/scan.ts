import { ProtocolError } from './errors.ts';

/** Deepest array nesting any message uses: `[tag, [[device, report, delay], ...]]` is 3. */
export const MAX_DEPTH = 3;

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
 * byte `c1`, nesting deeper than {@link MAX_DEPTH}, a truncated value, and trailing bytes.
 * O(bytes) with no allocation per item; error texts name the MessagePack type and offset, never
 * the value.
 * @throws ProtocolError('malformed')
 */
export function scanMessage(b: Uint8Array): ScanResult {
  const end = b.byteLength;
  if (end === 0) malformed('empty message');
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  // remaining[d] = items still to read in the array open at depth d (d = 1 is the message itself).
  const remaining = new Array<number>(MAX_DEPTH + 1).fill(0);
  const index = new Array<number>(MAX_DEPTH + 1).fill(0);
  let depth = 0;
  let p = 0;
  let topFloats = 0;
  let nestedFloat = false;
  const need = (n: number): void => {
    if (p + n > end) malformed(`truncated at byte ${p}`);
  };
  const skip = (n: number): void => {
    need(n);
    p += n;
  };
  const len = (bytes: 1 | 2 | 4): number => {
    need(bytes);
    const n = bytes === 1 ? b[p]! : bytes === 2 ? view.getUint16(p) : view.getUint32(p);
    p += bytes;
    return n;
  };
  for (;;) {
    if (p >= end) malformed(`truncated at byte ${p}`);
    const t = b[p++]!;
    let items = -1; // >= 0 when this token opens an array
    let isFloat = false;
    if (t <= 0x7f || t >= 0xe0 || t === 0xc0 || t === 0xc2 || t === 0xc3) {
      // fixint, nil, bool: no payload
    } else if (t >= 0xa0 && t <= 0xbf) skip(t & 0x1f);
    else if (t >= 0x90 && t <= 0x9f) items = t & 0x0f;
    else if (t >= 0x80 && t <= 0x8f) malformed(`MessagePack map at byte ${p - 1} (the protocol uses arrays only)`);
    else {
      switch (t) {
        case 0xc4:
        case 0xd9:
          skip(len(1));
          break;
        case 0xc5:
        case 0xda:
          skip(len(2));
          break;
        case 0xc6:
        case 0xdb:
          skip(len(4));
          break;
        case 0xca:
          need(4);
          isFloat = view.getFloat32(p) < 2 ** 32;
          p += 4;
          break;
        case 0xcb:
          need(8);
          // msgpackr (like JSON-minded encoders) writes integers of 2^32 and above as float64.
          isFloat = view.getFloat64(p) < 2 ** 32;
          p += 8;
          break;
        case 0xcc:
        case 0xd0:
          skip(1);
          break;
        case 0xcd:
        case 0xd1:
          skip(2);
          break;
        case 0xce:
        case 0xd2:
          skip(4);
          break;
        case 0xcf:
        case 0xd3:
          skip(8);
          break;
        case 0xdc:
          items = len(2);
          break;
        case 0xdd:
          items = len(4);
          break;
        case 0xde:
        case 0xdf:
          return malformed(`MessagePack map at byte ${p - 1} (the protocol uses arrays only)`);
        case 0xc1:
          return malformed(`byte 0xc1 at ${p - 1} is never used in MessagePack`);
        default: // 0xc7..0xc9, 0xd4..0xd8
          return malformed(`MessagePack ext type at byte ${p - 1} (the protocol uses no extensions)`);
      }
    }
    if (isFloat) {
      if (depth === 1 && index[1]! < 31) topFloats |= 1 << index[1]!;
      else if (depth > 1) nestedFloat = true;
    }
    if (items >= 0) {
      if (depth === MAX_DEPTH) malformed(`arrays nested deeper than ${MAX_DEPTH} at byte ${p - 1}`);
      // Every item takes at least one byte: a count beyond the input is a lie, refuse it now.
      if (items > end - p) malformed(`array of ${items} items at byte ${p - 1} is longer than the message`);
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
