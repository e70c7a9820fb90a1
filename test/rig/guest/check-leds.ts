import { Led } from '../../../protocol/reports.ts';
import type { RigContext } from './context.ts';
import { EV_LED, EV_SYN, SYN_REPORT, writeEvents } from './evdev.ts';
import { waitFor } from './util.ts';

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
  const results: { leds: number; ms: number }[] = [];
  for (const leds of PATTERNS) {
    const events = [0, 1, 2, 3, 4].map((code) => ({ type: EV_LED, code, value: (leds >> code) & 1 }));
    writeEvents(ctx.inputs.find((i) => i.role === 'keyboard')!.event, [
      ...events,
      { type: EV_SYN, code: SYN_REPORT, value: 0 },
    ]);
    const ms = await waitFor(() => ctx.relay.currentLeds() === leds, 5000, `LEDs 0x${leds.toString(16)} at the relay`);
    results.push({ leds, ms });
  }
  return {
    /** LED reads before this check: at least the 0x00 the host sends at enumeration. */
    initialReports,
    results,
    onLeds: ctx.leds.slice(-PATTERNS.length),
    reads: ctx.counters.get('hid.keyboard.led_reports'),
  };
}
