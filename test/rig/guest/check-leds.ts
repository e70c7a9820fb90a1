import { Led } from '../../../protocol/reports.ts';
import type { RigContext } from './context.ts';
import { EV_LED, EV_SYN, SYN_REPORT, writeEvents } from './evdev.ts';
import { until } from './util.ts';

/** Per pattern; the host's SET_REPORT plus the relay's 50 ms LED poll take 10–40 ms under TCG. */
const BOUND_MS = 10_000;

/** LED states the host sets, ending with all off. Bits: HID LED page usages 1..5 (Num..Kana). */
const PATTERNS = [
  Led.CapsLock,
  Led.NumLock | Led.ScrollLock,
  Led.Compose,
  Led.Kana,
  Led.NumLock | Led.CapsLock | Led.ScrollLock | Led.Compose | Led.Kana,
  0,
];

/**
 * The host sets keyboard LEDs by writing EV_LED events to the keyboard's evdev node (as a desktop
 * does on Caps Lock); the kernel sends the output report (SET_REPORT, since the gadget has no OUT
 * endpoint), f_hid queues it for read(), and the bridge's writer must pass it to the relay's
 * onLeds / currentLeds. LED_NUML..LED_KANA are evdev codes 0..4, the same order as the HID bits.
 */
export async function checkLeds(ctx: RigContext) {
  const initialReports = ctx.counters.get('hid.keyboard.led_reports');
  const before = ctx.leds.length;
  const results: { leds: number; ms: number | null }[] = [];
  for (const leds of PATTERNS) {
    const events = [0, 1, 2, 3, 4].map((code) => ({ type: EV_LED, code, value: (leds >> code) & 1 }));
    writeEvents(ctx.inputs.find((i) => i.role === 'keyboard')!.event, [
      ...events,
      { type: EV_SYN, code: SYN_REPORT, value: 0 },
    ]);
    // One pattern at a time: the next is set only once the relay has this one. A pattern not
    // reached within the bound is recorded as null and the next one is tried anyway.
    results.push({ leds, ms: await until(() => ctx.relay.currentLeds() === leds, BOUND_MS) });
  }
  const onLeds = ctx.leds.slice(before);
  return {
    /** LED reads before this check: at least the 0x00 the host sends at enumeration. */
    initialReports,
    results,
    /** Every LED state the relay passed to onLeds during the check, in order. */
    onLeds,
    /** The patterns, in order, within onLeds; states in between (none expected) are the host's to send. */
    inOrder: isSubsequence(PATTERNS, onLeds),
    patterns: PATTERNS,
    reads: ctx.counters.get('hid.keyboard.led_reports'),
  };
}

function isSubsequence(want: readonly number[], got: readonly number[]): boolean {
  let i = 0;
  for (const g of got) if (g === want[i]) i++;
  return i === want.length;
}
