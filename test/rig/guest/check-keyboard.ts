import { HID_TO_EVDEV } from '../../../hardware/sim/hid-usage-table.ts';
import { KEYBOARD_REPORT_BYTES } from '../../../protocol/reports.ts';
import { CLIENT, type RigContext } from './context.ts';
import { EV_KEY, type InputEvent } from './evdev.ts';
import { until } from './util.ts';

const FIRST_USAGE = 0x04;
const LAST_USAGE = 0xe7;

const keyReport = (modifiers: number, usage: number) => {
  const r = new Uint8Array(KEYBOARD_REPORT_BYTES);
  r[0] = modifiers;
  r[2] = usage;
  return r;
};

interface Expected {
  /** HID usage (key array) or 0xE0 + modifier bit. */
  usage: number;
  code: number;
}

/**
 * Presses and releases every Keyboard-page usage 0x04..0xE7 in the key array, then each modifier
 * bit, through the bridge's relay, and compares the host's evdev key events with the kernel's
 * hid_keyboard[] table (hardware/sim/hid-usage-table.ts). Usages the table maps to 0 produce no
 * event by design and are listed as skipped.
 */
export async function checkKeyboard(ctx: RigContext) {
  const reader = ctx.readers.keyboard;
  reader.clear();
  const usages: Expected[] = [];
  const skipped: number[] = [];
  for (let u = FIRST_USAGE; u <= LAST_USAGE; u++) {
    const code = HID_TO_EVDEV[u] ?? 0;
    if (code === 0) skipped.push(u);
    else usages.push({ usage: u, code });
  }
  const modifiers: Expected[] = Array.from({ length: 8 }, (_, bit) => ({
    usage: 0xe0 + bit,
    code: HID_TO_EVDEV[0xe0 + bit]!,
  }));
  const start = performance.now();
  for (const e of usages) {
    ctx.relay.report(CLIENT, 'keyboard', keyReport(0, e.usage));
    ctx.relay.report(CLIENT, 'keyboard', keyReport(0, 0));
  }
  modifiers.forEach((_, bit) => {
    ctx.relay.report(CLIENT, 'keyboard', keyReport(1 << bit, 0));
    ctx.relay.report(CLIENT, 'keyboard', keyReport(0, 0));
  });
  const want = (usages.length + modifiers.length) * 2;
  // Autorepeat (value 2) can fire when the emulator is slow between a press and its release.
  const keys = () => reader.of(EV_KEY).filter((e) => e.value !== 2);
  // On a timeout, what did arrive is compared anyway: the mismatches say which usages failed.
  const timedOut = (await until(() => keys().length >= want, 60_000)) === null;
  const ms = Math.round(performance.now() - start);
  const events = keys();
  const pos = { i: 0 };
  const usageResult = match(usages, events, pos);
  const modifierResult = match(modifiers, events, pos);
  return {
    usagesTested: usages.length,
    usagesOk: usageResult.ok,
    modifiersOk: modifierResult.ok,
    skipped: skipped.map((u) => `0x${u.toString(16)}`),
    mismatches: [...usageResult.bad, ...modifierResult.bad].slice(0, 20),
    extraEvents: events.length - pos.i,
    dropped: reader.dropped,
    timedOut,
    reports: want,
    ms,
  };
}

/**
 * Walks `events` from `pos.i` expecting (code, 1) then (code, 0) for each entry; a usage whose
 * events are missing is reported and the walk stays put, so one loss does not fail the rest.
 */
function match(expected: readonly Expected[], events: readonly InputEvent[], pos: { i: number }) {
  let ok = 0;
  const bad: string[] = [];
  for (const e of expected) {
    const press = events[pos.i];
    const release = events[pos.i + 1];
    if (press?.code === e.code && press.value === 1 && release?.code === e.code && release.value === 0) {
      ok++;
      pos.i += 2;
    } else {
      bad.push(
        `usage 0x${e.usage.toString(16)}: want key ${e.code} 1/0, got ${press ? `${press.code}=${press.value}` : 'nothing'}`,
      );
      if (press && press.code !== e.code) continue;
      pos.i += press ? 2 : 0;
    }
  }
  return { ok, bad };
}
