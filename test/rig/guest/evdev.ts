import * as fs from 'node:fs';

/**
 * Reading and writing Linux evdev nodes from the guest: struct input_event on x86_64 is 24 bytes,
 * { struct timeval time (2 × s64), u16 type, u16 code, s32 value } (include/uapi/linux/input.h).
 * Codes from include/uapi/linux/input-event-codes.h.
 */
export const EVENT_BYTES = 24;
export const EV_SYN = 0x00;
export const EV_KEY = 0x01;
export const EV_REL = 0x02;
export const EV_ABS = 0x03;
export const EV_LED = 0x11;
export const SYN_REPORT = 0;
export const SYN_DROPPED = 3;
export const REL_X = 0x00;
export const REL_Y = 0x01;
export const REL_HWHEEL = 0x06;
export const REL_WHEEL = 0x08;
export const ABS_X = 0x00;
export const ABS_Y = 0x01;
/** BTN_LEFT; HID Button page usage n on a mouse becomes BTN_MOUSE + n - 1 (hid-input.c). */
export const BTN_MOUSE = 0x110;

export interface InputEvent {
  type: number;
  code: number;
  value: number;
}

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
 */
export class EvdevReader {
  readonly events: InputEvent[] = [];
  /** True once the kernel reported SYN_DROPPED: our buffer overflowed and events are missing. */
  dropped = false;
  /** True once the device went away (ENODEV: the gadget was unplugged); reading stops. */
  gone = false;
  private readonly fd: number;
  private readonly timer: NodeJS.Timeout;
  private readonly buf = Buffer.alloc(EVENT_BYTES * 256);

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    this.timer = setInterval(() => this.drain(), 2);
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
        if (ev.type === EV_SYN && ev.code === SYN_DROPPED) this.dropped = true;
        this.events.push(ev);
      }
    }
  }

  /** Events of `type` (EV_SYN excluded by default callers), optionally only those codes. */
  of(type: number, codes?: readonly number[]): InputEvent[] {
    return this.events.filter((e) => e.type === type && (!codes || codes.includes(e.code)));
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
