import { encode, type Frame } from '../../../protocol/index.ts';

/** sentAt's placeholder: a non-integer above 2^32, so msgpackr writes it as a float64 (`cb` + 8 bytes). */
const SENT_AT_PLACEHOLDER = 2 ** 40 + 0.5;
/** Longest MessagePack encoding of `skipped` (uint32: `ce` + 4 bytes). */
const SKIPPED_MAX_BYTES = 5;

/**
 * A frame encoded once for every viewer, with the two per-viewer fields (sentAt, skipped)
 * rewritten in place right before each send, so a 500 KB JPEG is copied once per frame and not
 * once per viewer. The bytes stamp() returns are a view valid until the next stamp() call:
 * send them synchronously (uWS's send() copies what it cannot write at once).
 *
 * Layout (protocol/video.ts): `9a 30 <seq> <timestamp> cb <sentAt: float64 BE> <jpeg bin>
 * <captureSource> <grabMs> <encodeMs> <receivedAt> <skipped>`. sentAt is always a float64;
 * skipped is the last field and written as the shortest MessagePack uint, as msgpackr would.
 */
export class StampedFrame {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly sentAtAt: number;
  private readonly skippedAt: number;
  /** When the whole JPEG had arrived at the bridge, ms since epoch. */
  readonly receivedAt: number;

  constructor(frame: Omit<Frame, 'sentAt' | 'skipped'>) {
    const base = encode({ ...frame, sentAt: SENT_AT_PLACEHOLDER, skipped: 0 });
    this.bytes = new Uint8Array(base.byteLength - 1 + SKIPPED_MAX_BYTES);
    this.bytes.set(base);
    this.view = new DataView(this.bytes.buffer);
    this.skippedAt = base.byteLength - 1; // skipped 0 is the fixint 00, the last byte
    let p = 2; // fixarray(10), tag 0x30
    p += numberLength(this.bytes, p); // seq
    p += numberLength(this.bytes, p); // timestamp
    if (this.bytes[p] !== 0xcb) throw new Error('frame layout: sentAt is not a float64');
    this.sentAtAt = p + 1;
    this.receivedAt = frame.receivedAt;
  }

  /**
   * The frame's bytes with this viewer's sentAt (ms since epoch, bridge clock) and skipped
   * (0..2^32-1) written in. The returned view is overwritten by the next call.
   */
  stamp(sentAt: number, skipped: number): Uint8Array {
    this.view.setFloat64(this.sentAtAt, sentAt);
    const p = this.skippedAt;
    let end: number;
    if (skipped < 0x80) {
      this.bytes[p] = skipped;
      end = p + 1;
    } else if (skipped < 0x100) {
      this.bytes[p] = 0xcc;
      this.bytes[p + 1] = skipped;
      end = p + 2;
    } else if (skipped < 0x10000) {
      this.bytes[p] = 0xcd;
      this.view.setUint16(p + 1, skipped);
      end = p + 3;
    } else {
      this.bytes[p] = 0xce;
      this.view.setUint32(p + 1, Math.min(skipped, 0xffffffff));
      end = p + 5;
    }
    return this.bytes.subarray(0, end);
  }
}

/** Bytes taken by the MessagePack number at b[p] (int or float; spec.md "int format family"). */
function numberLength(b: Uint8Array, p: number): number {
  const t = b[p]!;
  if (t <= 0x7f || t >= 0xe0) return 1;
  switch (t) {
    case 0xcc:
    case 0xd0:
      return 2;
    case 0xcd:
    case 0xd1:
      return 3;
    case 0xca:
    case 0xce:
    case 0xd2:
      return 5;
    case 0xcb:
    case 0xcf:
    case 0xd3:
      return 9;
    default:
      throw new Error(`frame layout: byte 0x${t.toString(16)} at ${p} is not a number`);
  }
}
