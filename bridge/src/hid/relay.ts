import {
  MOUSE_ABS_REPORT_BYTES,
  RELEASE_KEYBOARD,
  RELEASE_MOUSE_REL,
  type BatchEnd,
  type BatchMsg,
  type BatchProgress,
  type ErrorCode,
  type HidDevice,
  type HidStatus,
} from '../../../protocol/index.ts';
import type { Counters } from '../counters.ts';
import { HidDeviceWriter, type HidFs } from './device.ts';
import { batchDurationMs, playBatch } from './batch.ts';
import { watchUsbHost, type UdcStateSource } from './udc.ts';

/** Device nodes from config. On the Pi: /dev/hidg0..2 or the udev names; here: the simulator's. */
export interface HidPaths {
  keyboard: string;
  mouse: string;
  mouseRel: string;
  /** The UDC state file telling whether the target's USB host is there ('auto': first UDC). */
  udcState?: UdcStateSource;
}

export interface HidRelayOptions {
  paths: HidPaths;
  counters: Counters;
  log: (line: string) => void;
  onStatus: (status: HidStatus) => void;
  onLeds: (leds: number) => void;
  fs?: HidFs;
  retryMs?: number;
  reopenMs?: number;
  readMs?: number;
  /** Reports queued per device while the host does not poll; more are refused with 'busy'. */
  maxQueue?: number;
  /** Longest batch, ms: by its delays at the start, and by the clock while it plays. */
  maxBatchMs?: number;
}

type ClientId = number;
type BatchSink = (m: BatchProgress | BatchEnd) => void;

/** The result of a refused request: a code for the client's error message and a short reason. */
export interface Refusal {
  code: ErrorCode;
  message: string;
}

interface PlayingBatch {
  id: number;
  owner: ClientId;
  abort: AbortController;
  limit: ReturnType<typeof setTimeout>;
}

/** Room kept in each device queue above `maxQueue`, so releases are never refused or dropped. */
const RELEASE_HEADROOM = 16;

/**
 * Routes reports to the three HID devices, plays batches, and knows what is held. Who may send
 * input is decided before it gets here (control/arbiter.ts). One batch plays at a time; live
 * keyboard input is refused with 'busy' while it plays, so the two never interleave. A device
 * whose queue is full (the host stopped polling) refuses with 'busy' instead of dropping the
 * oldest report.
 */
export class HidRelay {
  private readonly devices: Record<HidDevice, HidDeviceWriter>;
  private leds = 0;
  /** Last absolute report, so a release keeps the pointer where it is. */
  private lastMouse: Uint8Array = new Uint8Array(MOUSE_ABS_REPORT_BYTES);
  /** Whether the last report written to each device holds a key or button. */
  private readonly held: Record<HidDevice, boolean> = { keyboard: false, mouse: false, 'mouse-rel': false };
  private batch: PlayingBatch | null = null;
  private readonly host: ReturnType<typeof watchUsbHost>;
  private readonly maxQueue: number;

  constructor(private readonly opts: HidRelayOptions) {
    this.maxQueue = opts.maxQueue ?? 1000;
    const common = {
      counters: opts.counters,
      log: opts.log,
      maxQueue: this.maxQueue + RELEASE_HEADROOM,
      // Devices open inside their constructors; status goes out once all three exist.
      onOnline: () => {
        if (this.devices) opts.onStatus(this.status());
      },
      ...(opts.fs && { fs: opts.fs }),
      ...(opts.retryMs !== undefined && { retryMs: opts.retryMs }),
      ...(opts.reopenMs !== undefined && { reopenMs: opts.reopenMs }),
      ...(opts.readMs !== undefined && { readMs: opts.readMs }),
    };
    this.devices = {
      keyboard: new HidDeviceWriter({
        ...common,
        name: 'keyboard',
        path: opts.paths.keyboard,
        policy: 'ordered',
        onLeds: (leds) => {
          if (leds === this.leds) return;
          this.leds = leds;
          opts.onLeds(leds);
        },
      }),
      mouse: new HidDeviceWriter({ ...common, name: 'mouse', path: opts.paths.mouse, policy: 'coalesce' }),
      'mouse-rel': new HidDeviceWriter({ ...common, name: 'mouse-rel', path: opts.paths.mouseRel, policy: 'coalesce' }),
    };
    this.host = watchUsbHost(opts.paths.udcState, () => opts.onStatus(this.status()));
  }

  status(): HidStatus {
    return {
      type: 'hid-status',
      keyboard: this.devices.keyboard.isOnline(),
      mouse: this.devices.mouse.isOnline(),
      mouseRel: this.devices['mouse-rel'].isOnline(),
      host: this.host?.current() ?? 'unknown',
    };
  }

  currentLeds(): number {
    return this.leds;
  }

  /** Any key or button held by the last reports written, or a batch playing. */
  holding(): boolean {
    return this.batch !== null || this.held.keyboard || this.held.mouse || this.held['mouse-rel'];
  }

  /** The batch playing now, if any. */
  playing(): { id: number; owner: ClientId } | null {
    return this.batch && { id: this.batch.id, owner: this.batch.owner };
  }

  /**
   * Writes one live report. Returns a refusal for the client, or undefined. O(1).
   * The report must already have the device's length (the protocol decoder checks it).
   */
  report(device: HidDevice, report: Uint8Array): Refusal | undefined {
    if (this.batch && device === 'keyboard') {
      this.opts.counters.inc('hid.refused_busy');
      return { code: 'busy', message: 'a batch is playing; cancel it or wait' };
    }
    const dev = this.devices[device];
    if (!dev.isOnline()) {
      this.opts.counters.inc(`hid.${device}.dropped_offline`);
      return { code: 'hid-offline', message: `${device} report dropped: device offline` };
    }
    if (dev.queued() >= this.maxQueue) {
      this.opts.counters.inc(`hid.${device}.refused_full`);
      return { code: 'busy', message: `${device} report refused: the target is not taking reports (queue full)` };
    }
    this.write(device, report);
    return undefined;
  }

  private write(device: HidDevice, report: Uint8Array): Promise<boolean> {
    if (device === 'mouse') this.lastMouse = report;
    this.held[device] = device === 'keyboard' ? report.some((b) => b !== 0) : report[0] !== 0;
    return this.devices[device].write(report);
  }

  /** Writes all-keys-up and all-buttons-up on every online device (never refused for a full queue). */
  releaseAll(): void {
    this.opts.counters.inc('hid.release_all');
    const mouseUp = Uint8Array.from(this.lastMouse);
    mouseUp[0] = 0;
    mouseUp[5] = 0;
    mouseUp[6] = 0;
    const releases: [HidDevice, Uint8Array][] = [
      ['keyboard', RELEASE_KEYBOARD],
      ['mouse', mouseUp],
      ['mouse-rel', RELEASE_MOUSE_REL],
    ];
    for (const [name, report] of releases) {
      this.held[name] = false;
      if (this.devices[name].isOnline()) void this.devices[name].write(report);
    }
  }

  /**
   * Cancels the batch playing (any owner) and releases everything now, synchronously: whoever
   * gets control next must not have its first keys released by the old batch's late end.
   */
  cancelAny(reason: string): void {
    if (this.batch) this.stopBatch(this.batch, reason);
  }

  /** A client's socket closed: cancel its batch now. (Releasing its keys is the arbiter's call.) */
  clientGone(client: ClientId): void {
    if (this.batch?.owner === client) this.stopBatch(this.batch, 'client disconnected');
  }

  private stopBatch(b: PlayingBatch, reason: string): void {
    b.abort.abort(reason);
    this.finishBatch(b);
  }

  /** The batch is over: forget it and release, once (a stop and the player's own end both call this). */
  private finishBatch(b: PlayingBatch): void {
    if (this.batch !== b) return;
    clearTimeout(b.limit);
    this.batch = null;
    this.releaseAll();
  }

  /**
   * Plays `batch` for `client`, reporting progress through `sink`. Refuses with 'busy' if one is
   * playing and 'bad-field' if its delays add up to more than maxBatchMs.
   */
  startBatch(client: ClientId, batch: BatchMsg, sink: BatchSink): Refusal | undefined {
    if (this.batch) {
      this.opts.counters.inc('hid.refused_busy');
      return { code: 'busy', message: 'a batch is playing; cancel it or wait' };
    }
    const maxMs = this.opts.maxBatchMs ?? 600_000;
    const ms = batchDurationMs(batch);
    if (ms > maxMs) {
      this.opts.counters.inc('hid.refused_long_batch');
      return { code: 'bad-field', message: `batch delays add up to ${ms} ms, over the limit of ${maxMs} ms` };
    }
    const abort = new AbortController();
    const entry: PlayingBatch = {
      id: batch.id,
      owner: client,
      abort,
      limit: setTimeout(() => this.stopBatch(entry, `batch over the time limit of ${maxMs} ms`), maxMs),
    };
    this.batch = entry;
    this.opts.counters.inc('hid.batches');
    void playBatch(batch, {
      write: (device, report) => this.write(device, report),
      signal: abort.signal,
      onProgress: sink,
    }).then((end) => {
      this.finishBatch(entry);
      this.opts.counters.inc(`hid.batch_${end.outcome}`);
      sink(end);
    });
    return undefined;
  }

  /** batch-cancel from the controller: stop that batch, and release everything in any case. */
  cancelBatch(client: ClientId, id: number): void {
    if (this.batch && this.batch.id === id && this.batch.owner === client)
      this.stopBatch(this.batch, 'cancelled by the user');
    else this.releaseAll(); // nothing to cancel, but the user asked for keys up
  }

  close(): void {
    if (this.batch) this.stopBatch(this.batch, 'bridge stopping');
    this.host.stop();
    for (const d of Object.values(this.devices)) d.close();
  }
}
