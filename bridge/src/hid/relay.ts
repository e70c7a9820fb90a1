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
import { playBatch } from './batch.ts';
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
}

type ClientId = number;
type BatchSink = (m: BatchProgress | BatchEnd) => void;

/**
 * Routes reports from clients to the three HID devices. The controller is the client whose input
 * arrived last; when it disconnects, all keys and buttons are released. One batch plays at a time;
 * live keyboard input is refused with 'busy' while it plays, so the two never interleave.
 */
export class HidRelay {
  private readonly devices: Record<HidDevice, HidDeviceWriter>;
  private controller: ClientId | null = null;
  private leds = 0;
  /** Last absolute report, so a release keeps the pointer where it is. */
  private lastMouse: Uint8Array = new Uint8Array(MOUSE_ABS_REPORT_BYTES);
  private batch: { id: number; owner: ClientId; cancel: (reason: string) => void } | null = null;
  private readonly host: ReturnType<typeof watchUsbHost>;

  constructor(private readonly opts: HidRelayOptions) {
    const common = {
      counters: opts.counters,
      log: opts.log,
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

  /**
   * Writes one live report from `client`. Returns an error code for the client, or undefined.
   * The report must already have the device's length (the protocol decoder checks it).
   */
  report(client: ClientId, device: HidDevice, report: Uint8Array): ErrorCode | undefined {
    if (this.batch && device === 'keyboard') {
      this.opts.counters.inc('hid.refused_busy');
      return 'busy';
    }
    const dev = this.devices[device];
    if (!dev.isOnline()) {
      this.opts.counters.inc(`hid.${device}.dropped_offline`);
      return 'hid-offline';
    }
    this.controller = client;
    if (device === 'mouse') this.lastMouse = report;
    void dev.write(report);
    return undefined;
  }

  /** Writes all-keys-up and all-buttons-up on every online device. */
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
      if (this.devices[name].isOnline()) void this.devices[name].write(report);
    }
  }

  /** A client's socket closed: cancel its batch, and release everything if it was in control. */
  clientGone(client: ClientId): void {
    if (this.batch?.owner === client) this.batch.cancel('client disconnected');
    if (this.controller === client) {
      this.controller = null;
      this.releaseAll();
    }
  }

  /** Plays `batch` for `client`, reporting progress through `sink`. Returns 'busy' if one is playing. */
  startBatch(client: ClientId, batch: BatchMsg, sink: BatchSink): ErrorCode | undefined {
    if (this.batch) {
      this.opts.counters.inc('hid.refused_busy');
      return 'busy';
    }
    this.controller = client;
    const control = { cancelled: null as string | null };
    this.batch = { id: batch.id, owner: client, cancel: (reason) => (control.cancelled ??= reason) };
    this.opts.counters.inc('hid.batches');
    void playBatch(batch, {
      write: (device, report) => {
        if (device === 'mouse') this.lastMouse = report;
        return this.devices[device].write(report);
      },
      isCancelled: () => control.cancelled,
      onProgress: sink,
    }).then((end) => {
      this.batch = null;
      this.releaseAll();
      this.opts.counters.inc(`hid.batch_${end.outcome}`);
      sink(end);
    });
    return undefined;
  }

  cancelBatch(client: ClientId, id: number): void {
    if (this.batch && this.batch.id === id && this.batch.owner === client) this.batch.cancel('cancelled by the user');
    else this.releaseAll(); // nothing to cancel, but the user asked for keys up
  }

  close(): void {
    this.batch?.cancel('bridge stopping');
    this.host.stop();
    for (const d of Object.values(this.devices)) d.close();
  }
}
