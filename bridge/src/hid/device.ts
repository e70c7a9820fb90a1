import * as nodeFs from 'node:fs';
import type { HidDevice } from '../../../protocol/index.ts';
import type { Counters } from '../counters.ts';

/** The synchronous fs calls the device uses; tests pass a fake to produce EAGAIN or ESHUTDOWN. */
export interface HidFs {
  openSync(path: string, flags: number): number;
  writeSync(fd: number, buffer: Uint8Array): number;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: null): number;
  closeSync(fd: number): void;
}

export interface HidDeviceOptions {
  name: HidDevice;
  /** Device node, e.g. /dev/hidg0 on the Pi or a simulated target's pty link. From config. */
  path: string;
  /** 'ordered' keeps every report in order (keyboard); 'coalesce' merges pure moves (mice). */
  policy: 'ordered' | 'coalesce';
  /** Called with each LED output report byte read back (keyboard only). */
  onLeds?: (leds: number) => void;
  onOnline: (online: boolean, reason: string) => void;
  counters: Counters;
  log: (line: string) => void;
  fs?: HidFs;
  /** Delay before retrying a write that got EAGAIN, ms. The host polls HID at most every 1 ms. */
  retryMs?: number;
  /** Delay between reopen attempts while offline, ms. */
  reopenMs?: number;
  /** Interval of non-blocking LED / liveness reads, ms. */
  readMs?: number;
  /** Reports kept while the host is not polling; older ones are dropped past this. */
  maxQueue?: number;
}

interface Pending {
  report: Uint8Array;
  done: (written: boolean) => void;
}

/** errno codes meaning the device is gone: unplugged target (ESHUTDOWN), removed node, closed pty. */
const GONE = new Set(['ESHUTDOWN', 'ENOENT', 'ENODEV', 'ENXIO', 'EIO', 'EPIPE', 'EBADF', 'ECONNRESET']);

/**
 * One HID gadget function (/dev/hidgN): opened O_RDWR|O_NONBLOCK, written only with writeSync.
 * Async fs is never used: a write to an endpoint the host does not poll would park a libuv
 * threadpool thread, and four of those stall all file I/O (shared/research/hardware-facts.md §4).
 * - EAGAIN: the host has not polled the previous report; retry on a `retryMs` timer.
 * - ESHUTDOWN, a missing node or a closed pty: report offline, drop queued reports (input made
 *   while the target is away is never replayed), and try to reopen every `reopenMs`.
 */
export class HidDeviceWriter {
  readonly name: HidDevice;
  private fd: number | null = null;
  private readonly queue: Pending[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private reopenTimer: NodeJS.Timeout | null = null;
  private readTimer: NodeJS.Timeout | null = null;
  private online = false;
  private closed = false;
  private readonly fs: HidFs;
  private readonly readBuf = new Uint8Array(64);
  private lastWritten: Uint8Array | null = null;

  constructor(private readonly opts: HidDeviceOptions) {
    this.name = opts.name;
    this.fs = opts.fs ?? nodeFs;
    this.open();
    this.readTimer = setInterval(() => this.poll(), opts.readMs ?? 50);
  }

  isOnline(): boolean {
    return this.online;
  }

  /** Reports waiting for the host to poll. */
  queued(): number {
    return this.queue.length;
  }

  /**
   * Queues one report and writes it as soon as the host takes it. Resolves true once written,
   * false if it was dropped (device offline, queue overflow, writer closed).
   */
  write(report: Uint8Array): Promise<boolean> {
    return new Promise((done) => {
      if (!this.online || this.closed) {
        this.opts.counters.inc(`hid.${this.name}.dropped_offline`);
        done(false);
        return;
      }
      const last = this.queue[this.queue.length - 1];
      const beforeLast = this.queue[this.queue.length - 2]?.report ?? this.lastWritten;
      if (
        this.opts.policy === 'coalesce' &&
        last &&
        isPureMove(last.report, report) &&
        (!beforeLast || beforeLast[0] === last.report[0])
      ) {
        // Only the newest position matters. Button changes, wheel steps and the position a
        // button changed at are never merged away.
        last.done(true);
        last.report = report;
        last.done = done;
        this.opts.counters.inc(`hid.${this.name}.coalesced`);
        return;
      }
      this.queue.push({ report, done });
      if (this.queue.length > (this.opts.maxQueue ?? 1024)) {
        this.queue.shift()?.done(false);
        this.opts.counters.inc(`hid.${this.name}.dropped_overflow`);
      }
      if (this.queue.length === 1) this.flush();
    });
  }

  /** Writes synchronously while the host keeps taking reports; schedules a retry on EAGAIN. */
  private flush(): void {
    this.retryTimer = null;
    while (this.queue.length > 0 && this.fd !== null) {
      const head = this.queue[0]!;
      try {
        const n = this.fs.writeSync(this.fd, head.report);
        if (n < head.report.length) {
          // Never on hidg (the kernel takes whole reports), but a pty may take part of one; the
          // rest goes next, so the report stream stays aligned for the reader.
          head.report = head.report.subarray(n);
          this.opts.counters.inc(`hid.${this.name}.partial`);
          this.retryTimer ??= setTimeout(() => this.flush(), this.opts.retryMs ?? 1);
          return;
        }
      } catch (e) {
        const code = errnoCode(e);
        if (code === 'EAGAIN') {
          this.opts.counters.inc(`hid.${this.name}.eagain`);
          this.retryTimer ??= setTimeout(() => this.flush(), this.opts.retryMs ?? 1);
          return;
        }
        this.fail(code, e);
        return;
      }
      this.queue.shift();
      this.lastWritten = head.report;
      this.opts.counters.inc(`hid.${this.name}.written`);
      head.done(true);
    }
  }

  private open(): void {
    this.reopenTimer = null;
    if (this.closed) return;
    try {
      // O_NOCTTY: a simulated target's pty must never become our controlling terminal.
      const { O_RDWR, O_NONBLOCK, O_NOCTTY } = nodeFs.constants;
      this.fd = this.fs.openSync(this.opts.path, O_RDWR | O_NONBLOCK | O_NOCTTY);
    } catch (e) {
      this.setOnline(false, `${this.opts.path}: ${errnoCode(e)}`);
      this.reopenTimer = setTimeout(() => this.open(), this.opts.reopenMs ?? 500);
      return;
    }
    this.opts.counters.inc(`hid.${this.name}.opened`);
    this.setOnline(true, 'open');
  }

  /** Non-blocking read: LED output reports on the keyboard, and liveness for every device. */
  private poll(): void {
    if (this.fd === null) return;
    try {
      const n = this.fs.readSync(this.fd, this.readBuf, 0, this.readBuf.length, null);
      if (n === 0) return; // a pty whose reader has gone reads 0 before EIO; the next write tells
      this.opts.counters.inc(`hid.${this.name}.led_reports`);
      if (this.opts.onLeds) this.opts.onLeds(this.readBuf[n - 1]!); // the newest state wins
    } catch (e) {
      const code = errnoCode(e);
      if (code !== 'EAGAIN') this.fail(code, e);
    }
  }

  private fail(code: string, e: unknown): void {
    if (!GONE.has(code)) {
      this.opts.counters.inc(`hid.${this.name}.error.${code}`);
      this.opts.log(`hid ${this.name}: unexpected ${code}: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.opts.counters.inc(`hid.${this.name}.offline.${code}`);
    this.closeFd();
    for (const p of this.queue.splice(0)) p.done(false);
    this.setOnline(false, code);
    if (!this.closed && !this.reopenTimer) this.reopenTimer = setTimeout(() => this.open(), this.opts.reopenMs ?? 500);
  }

  private closeFd(): void {
    if (this.fd === null) return;
    try {
      this.fs.closeSync(this.fd);
    } catch (e) {
      this.opts.counters.inc(`hid.${this.name}.close_error`);
      this.opts.log(`hid ${this.name}: close failed: ${String(e)}`);
    }
    this.fd = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private setOnline(online: boolean, reason: string): void {
    if (online === this.online) return;
    this.online = online;
    this.opts.log(`hid ${this.name}: ${online ? 'online' : 'offline'} (${reason})`);
    this.opts.onOnline(online, reason);
  }

  /** Stops timers and closes the node. Queued reports are dropped. */
  close(): void {
    this.closed = true;
    for (const t of [this.retryTimer, this.reopenTimer]) if (t) clearTimeout(t);
    if (this.readTimer) clearInterval(this.readTimer);
    for (const p of this.queue.splice(0)) p.done(false);
    this.closeFd();
  }
}

/** Both reports have the same buttons and no wheel or pan: the older one can be dropped. */
function isPureMove(older: Uint8Array, newer: Uint8Array): boolean {
  if (older.length !== newer.length || older[0] !== newer[0]) return false;
  // Absolute: [buttons, x, x, y, y, wheel, pan]; relative moves are deltas and never merge.
  return older.length === 7 && older[5] === 0 && older[6] === 0 && newer[5] === 0 && newer[6] === 0;
}

export function errnoCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}
