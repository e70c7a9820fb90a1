/**
 * The target's USB host side: the three HID endpoints, each report mapped to X input the way a
 * Linux desktop's HID driver would, and the keyboard LEDs sent back as 1-byte output reports.
 */
import path from 'node:path';
import { KEYBOARD_REPORT_BYTES, MOUSE_ABS_REPORT_BYTES, MOUSE_REL_REPORT_BYTES } from '../../protocol/reports.ts';
import { describeError } from './errors.ts';
import { startHidEndpoint, type HidEndpoint } from './hid-endpoint.ts';
import { xLedMaskToHid } from './leds.ts';
import { reportProblem } from './report-checks.ts';
import { KeyboardMapper, MouseAbsMapper, MouseRelMapper, type XAction } from './report-mapper.ts';
import type { XInput } from './x-input.ts';

export interface HidStats {
  keyboardReports: number;
  mouseReports: number;
  mouseRelReports: number;
  ledWrites: number;
  badReports: number;
}

export interface HidHost {
  devices: { keyboard: string; mouse: string; mouseRelative: string };
  stats(): HidStats;
  stop(): Promise<void>;
}

/** Bad reports are logged up to this many times, then only counted. */
const MAX_BAD_REPORT_LOGS = 10;

export async function startHidHost(o: {
  runDir: string;
  width: number;
  height: number;
  x: XInput;
  log: (line: string) => void;
}): Promise<HidHost> {
  const stats: HidStats = { keyboardReports: 0, mouseReports: 0, mouseRelReports: 0, ledWrites: 0, badReports: 0 };
  const keyboard = new KeyboardMapper();
  const mouse = new MouseAbsMapper(o.width, o.height);
  const mouseRel = new MouseRelMapper();
  let lastLed: number | undefined;
  let ledQueue: Promise<void> = Promise.resolve();
  // eslint-disable-next-line prefer-const -- assigned once the endpoint exists, after the LED reader that uses it
  let keyboardEndpoint: HidEndpoint | undefined;

  /** Reads X's LED state and, when it changed (or `force`), writes the HID LED byte. Serialised. */
  const syncLeds = (force: boolean): void => {
    ledQueue = ledQueue
      .then(async () => {
        const led = xLedMaskToHid(await o.x.ledMask());
        if (led === lastLed && !force) return;
        lastLed = led;
        keyboardEndpoint?.write(Uint8Array.of(led));
        stats.ledWrites++;
      })
      .catch((err: unknown) => o.log(`LED query failed: ${describeError(err)}`));
  };

  const handle = (
    kind: 'keyboard' | 'mouse' | 'mouse-relative',
    report: Uint8Array,
    map: (r: Uint8Array) => XAction[],
  ): XAction[] => {
    const problem = reportProblem(kind, report);
    if (problem) {
      stats.badReports++;
      if (stats.badReports <= MAX_BAD_REPORT_LOGS)
        o.log(`bad ${kind} report ${Buffer.from(report).toString('hex')}: ${problem}`);
    }
    const actions = map(report);
    o.x.perform(actions);
    return actions;
  };

  /** `release` returns the actions that let go of everything the device held (run on unplug). */
  const start = (
    name: string,
    reportBytes: number,
    onReport: (r: Uint8Array) => void,
    release: () => XAction[],
    onRestart?: () => void,
  ): Promise<HidEndpoint> =>
    startHidEndpoint({
      name,
      path: path.join(o.runDir, name),
      reportBytes,
      onReport,
      onDisconnect: () => o.x.perform(release()),
      onRestart,
      log: o.log,
    });

  const settled = await Promise.allSettled([
    start(
      'keyboard',
      KEYBOARD_REPORT_BYTES,
      (r) => {
        stats.keyboardReports++;
        if (handle('keyboard', r, (x) => keyboard.map(x)).some((a) => a.kind === 'key')) syncLeds(false);
      },
      () => keyboard.reset(),
      () => syncLeds(true),
    ),
    start(
      'mouse',
      MOUSE_ABS_REPORT_BYTES,
      (r) => {
        stats.mouseReports++;
        handle('mouse', r, (x) => mouse.map(x));
      },
      () => mouse.reset(),
    ),
    start(
      'mouse-relative',
      MOUSE_REL_REPORT_BYTES,
      (r) => {
        stats.mouseRelReports++;
        handle('mouse-relative', r, (x) => mouseRel.map(x));
      },
      () => mouseRel.reset(),
    ),
  ]);
  const endpoints = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(endpoints.map((e) => e.stop()));
    throw failed.reason;
  }
  const [kbd, abs, rel] = endpoints;
  keyboardEndpoint = kbd;
  // A host sets the LEDs once when the keyboard enumerates; do the same so the bridge learns them.
  syncLeds(true);
  await ledQueue;

  return {
    devices: { keyboard: kbd!.path, mouse: abs!.path, mouseRelative: rel!.path },
    stats: () => ({ ...stats }),
    async stop() {
      await ledQueue;
      await Promise.all(endpoints.map((e) => e.stop()));
    },
  };
}
