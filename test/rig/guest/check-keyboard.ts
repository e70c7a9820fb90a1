import { HID_TO_EVDEV } from '../../../hardware/sim/hid-usage-table.ts';
import { KEYBOARD_REPORT_BYTES, RELEASE_KEYBOARD } from '../../../protocol/reports.ts';
import { type RigContext, send } from './context.ts';
import { EV_KEY, EV_MSC, EV_REP, EV_SYN, MSC_SCAN, REP_DELAY, REP_PERIOD, SYN_REPORT, writeEvents } from './evdev.ts';
import { inputOf } from './inputs.ts';
import { playPaced, type PacedStep } from './paced.ts';

const FIRST_USAGE = 0x04;
const LAST_USAGE = 0xe7;
/** Usage page 0x07 in the high half of a HID usage, as MSC_SCAN carries it. */
const HID_KEYBOARD_PAGE = 0x70000;
/**
 * Usages per window: 2 reports each, 3 events per report (MSC_SCAN, EV_KEY, SYN_REPORT), so
 * 4 usages are 24 of the 64 events the keyboard's evdev buffer holds.
 */
const WINDOW = 4;
/** The input core's autorepeat defaults (input.c, input_register_device), restored afterwards. */
const REPEAT_DEFAULTS = { delay: 250, period: 33 };

const keyReport = (modifiers: number, usage: number) => {
  const r = new Uint8Array(KEYBOARD_REPORT_BYTES);
  r[0] = modifiers;
  r[2] = usage;
  return r;
};

/** Sets the host keyboard's autorepeat (REP_DELAY 0 turns it off: input_start_autorepeat needs both). */
export function setRepeat(event: string, delay: number, period: number) {
  writeEvents(event, [
    { type: EV_REP, code: REP_DELAY, value: delay },
    { type: EV_REP, code: REP_PERIOD, value: period },
    { type: EV_SYN, code: SYN_REPORT, value: 0 },
  ]);
}

/**
 * Presses and releases every Keyboard-page usage 0x04..0xE7 in the key array, then each modifier
 * bit, through the bridge's relay, and compares the host's evdev key events with the kernel's
 * hid_keyboard[] table (hardware/sim/hid-usage-table.ts), paced a few usages at a time
 * (paced.ts) and matched per usage (matcher.ts). Usages the table maps to 0 produce no event by
 * design and are listed as skipped. Autorepeat is off meanwhile: under TCG a press can outlast
 * the 250 ms repeat delay, and repeats would only crowd the buffer.
 */
export async function checkKeyboard(ctx: RigContext) {
  const reader = ctx.readers.keyboard;
  const event = inputOf(ctx.inputs, 'keyboard').event;
  // Press, then release; a refused press is reported and not followed by its release.
  const pressRelease = (modifiers: number, usage: number) => () => {
    const refused = send(ctx, 'keyboard', keyReport(modifiers, usage));
    return refused ?? send(ctx, 'keyboard', keyReport(0, 0));
  };
  // hid-input.c reports the usage as MSC_SCAN (0x0007xxxx) before each key change. Matching it
  // too tells apart the usages that share a key code (the ~100 that map to KEY_UNKNOWN, 0x4C and
  // 0x9C both KEY_DELETE...), so a loss among them cannot be pinned on the wrong usage.
  const step = (label: string, usage: number, code: number, sendIt: () => string | undefined): PacedStep => {
    const scan = { type: EV_MSC, code: MSC_SCAN, value: HID_KEYBOARD_PAGE | usage };
    return {
      label,
      events: [scan, { type: EV_KEY, code, value: 1 }, scan, { type: EV_KEY, code, value: 0 }],
      ordered: true,
      send: sendIt,
    };
  };
  const usages: PacedStep[] = [];
  const skipped: number[] = [];
  for (let u = FIRST_USAGE; u <= LAST_USAGE; u++) {
    const code = HID_TO_EVDEV[u] ?? 0;
    if (code === 0) skipped.push(u);
    else usages.push(step(`usage 0x${u.toString(16).padStart(2, '0')}`, u, code, pressRelease(0, u)));
  }
  const modifiers = Array.from({ length: 8 }, (_, bit) =>
    step(`modifier bit ${bit}`, 0xe0 + bit, HID_TO_EVDEV[0xe0 + bit]!, pressRelease(1 << bit, 0)),
  );
  setRepeat(event, 0, 0);
  reader.clear();
  const droppedBefore = reader.synDropped;
  try {
    const r = await playPaced([...usages, ...modifiers], {
      reader,
      // Autorepeat (value 2) is off, but a repeat already armed before could still fire once.
      watch: (e) => (e.type === EV_KEY && e.value !== 2) || (e.type === EV_MSC && e.code === MSC_SCAN),
      window: WINDOW,
      reset: () => void send(ctx, 'keyboard', RELEASE_KEYBOARD),
    });
    const failed = new Set(r.failed);
    return {
      usagesTested: usages.length,
      usagesOk: usages.filter((s) => !failed.has(s.label)).length,
      modifiersOk: modifiers.filter((s) => !failed.has(s.label)).length,
      skipped: skipped.map((u) => `0x${u.toString(16)}`),
      failed: r.failed.slice(0, 40),
      missing: r.missing.slice(0, 40),
      lost: r.lost.slice(0, 40),
      strays: r.strays.slice(0, 40),
      refused: r.refused.slice(0, 40),
      notRun: r.notRun,
      synDropped: r.synDropped,
      readerSynDropped: reader.synDropped - droppedBefore,
      replayed: r.replayed,
      windows: r.windows,
      stalled: r.stalled,
      slowestWindowMs: r.slowestWindowMs,
      reports: (usages.length + modifiers.length) * 2,
      ms: r.ms,
    };
  } finally {
    setRepeat(event, REPEAT_DEFAULTS.delay, REPEAT_DEFAULTS.period);
  }
}
