/**
 * Linux input event types and codes the rig uses, from include/uapi/linux/input-event-codes.h, and
 * the event shape of struct input_event without its timestamp. No I/O here, so the matcher and its
 * unit test can import it without opening anything.
 */
export const EV_SYN = 0x00;
export const EV_KEY = 0x01;
export const EV_REL = 0x02;
export const EV_ABS = 0x03;
export const EV_MSC = 0x04;
export const EV_LED = 0x11;
export const EV_REP = 0x14;
export const SYN_REPORT = 0;
export const MSC_SCAN = 4;
/** The client's evdev buffer overflowed: the kernel threw away every event it still held. */
export const SYN_DROPPED = 3;
export const REP_DELAY = 0;
export const REP_PERIOD = 1;
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

const TYPE_NAMES: Record<number, string> = {
  [EV_SYN]: 'syn',
  [EV_KEY]: 'key',
  [EV_REL]: 'rel',
  [EV_ABS]: 'abs',
  [EV_MSC]: 'msc',
  [EV_LED]: 'led',
  [EV_REP]: 'rep',
};

/** `key 30=1`, `rel 0=-5`: short enough for a list of mismatches in a check result. */
export function describeEvent(e: InputEvent): string {
  return `${TYPE_NAMES[e.type] ?? `type ${e.type}`} ${e.code}=${e.value}`;
}

export const isSynDropped = (e: InputEvent): boolean => e.type === EV_SYN && e.code === SYN_DROPPED;
