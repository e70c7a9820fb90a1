import * as fs from 'node:fs';
import { isSynDropped, type InputEvent } from './input-codes.ts';

export * from './input-codes.ts';

/**
 * Reading and writing Linux evdev nodes from the guest: struct input_event on x86_64 is 24 bytes,
 * { struct timeval time (2 × s64), u16 type, u16 code, s32 value } (include/uapi/linux/input.h).
 */
export const EVENT_BYTES = 24;

export function encodeEvents(events: readonly InputEvent[]): Buffer {
  const buf = Buffer.alloc(events.length * EVENT_BYTES);
  events.forEach((e, i) => {
    buf.writeUInt16LE(e.type, i * EVENT_BYTES + 16);
    buf.writeUInt16LE(e.code, i * EVENT_BYTES + 18);
    buf.writeInt32LE(e.value, i * EVENT_BYTES + 20);
  });
  return buf;
}

/**
 * An evdev node opened O_RDONLY|O_NONBLOCK and drained on a 2 ms timer with readSync, the same
 * discipline as the bridge's writer: a blocking read would park a libuv thread. While it is open
 * the kernel counts the input device as in use, so a USB mouse behind it gets polled.
 *
 * The kernel keeps a small ring per reader (64 events for our keyboard: evdev.c sizes it as 8
 * packets of the device's events-per-packet hint). When it overflows, the kernel drops everything
 * still queued and puts EV_SYN/SYN_DROPPED in its place (Documentation/input/event-codes.rst). The
 * reader keeps that marker in `events`, where the matcher acts on it, and counts it: a paced check
 * should never see one.
 */
export class EvdevReader {
  /** Every event read since the last clear(), EV_SYN included, in kernel order. */
  readonly events: InputEvent[] = [];
  /** SYN_DROPPED markers read since this reader opened (clear() does not reset it). */
  synDropped = 0;
  /** True once the device went away (ENODEV: the gadget was unplugged); reading stops. */
  gone = false;
  private readonly fd: number;
  private readonly timer: NodeJS.Timeout;
  private readonly buf = Buffer.alloc(EVENT_BYTES * 256);

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    this.timer = setInterval(() => this.drain(), 2);
  }

  /** True once the kernel reported an overflow of this reader's buffer. */
  get dropped(): boolean {
    return this.synDropped > 0;
  }

  /** Reads everything the kernel has queued now. */
  drain(): void {
    while (!this.gone) {
      let n: number;
      try {
        n = fs.readSync(this.fd, this.buf, 0, this.buf.length, null);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'EAGAIN') return;
        if (code !== 'ENODEV') throw e;
        this.gone = true;
        clearInterval(this.timer);
        return;
      }
      for (let off = 0; off + EVENT_BYTES <= n; off += EVENT_BYTES) {
        const ev = {
          type: this.buf.readUInt16LE(off + 16),
          code: this.buf.readUInt16LE(off + 18),
          value: this.buf.readInt32LE(off + 20),
        };
        if (isSynDropped(ev)) this.synDropped++;
        this.events.push(ev);
      }
    }
  }

  /** Events of `type`, optionally only those codes. */
  of(type: number, codes?: readonly number[]): InputEvent[] {
    return this.events.filter((e) => e.type === type && (!codes || codes.includes(e.code)));
  }

  /** A position in `events` to read on from with since(); valid until the next clear(). */
  mark(): number {
    this.drain();
    return this.events.length;
  }

  /** Events read after `mark` (drains first). */
  since(mark: number): InputEvent[] {
    this.drain();
    return this.events.slice(mark);
  }

  clear(): void {
    this.drain();
    this.events.length = 0;
  }

  close(): void {
    clearInterval(this.timer);
    fs.closeSync(this.fd);
  }
}

/** Writes events to an evdev node (e.g. EV_LED to a keyboard, which makes the kernel send an LED report). */
export function writeEvents(path: string, events: readonly InputEvent[]): void {
  const fd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  try {
    fs.writeSync(fd, encodeEvents(events));
  } finally {
    fs.closeSync(fd);
  }
}
