import { arity, bool, num, oneOf, str, uint } from './fields.ts';

export const StatusTag = { hid: 0x20, leds: 0x21, video: 0x22 } as const;

export const USB_HOST_STATES = ['connected', 'disconnected', 'unknown'] as const;
/**
 * The target's USB host as the gadget's UDC sees it: 'connected' when the UDC state is
 * "configured" (the host enumerated the gadget), 'unknown' where there is no UDC to ask.
 */
export type UsbHostState = (typeof USB_HOST_STATES)[number];

/**
 * Whether each HID device can take reports, and whether the target's USB host is there.
 * Wire: `[0x20, keyboard, mouse, mouseRel, host]` (booleans, then a UsbHostState string).
 * Offline means the device node is missing or the target's USB host is gone (ESHUTDOWN).
 */
export interface HidStatus {
  type: 'hid-status';
  keyboard: boolean;
  mouse: boolean;
  mouseRel: boolean;
  host: UsbHostState;
}

/**
 * The target's lock-key LEDs from the keyboard's LED output report. Wire: `[0x21, leds]`, a bit
 * mask in HID LED page order: Num 0x01, Caps 0x02, Scroll 0x04, Compose 0x08, Kana 0x10.
 */
export interface LedStatus {
  type: 'leds';
  leds: number;
}

/**
 * The video signal. Wire: `[0x22, present, width, height, fps, reason]`: size in pixels of the
 * latest frame, fps measured over the last second, `reason` says why there is no signal ('' if present).
 */
export interface VideoStatus {
  type: 'video-status';
  present: boolean;
  width: number;
  height: number;
  fps: number;
  reason: string;
}

export type StatusMessage = HidStatus | LedStatus | VideoStatus;

export function statusToWire(m: StatusMessage): unknown[] {
  switch (m.type) {
    case 'hid-status':
      return [StatusTag.hid, m.keyboard, m.mouse, m.mouseRel, m.host];
    case 'leds':
      return [StatusTag.leds, m.leds];
    case 'video-status':
      return [StatusTag.video, m.present, m.width, m.height, m.fps, m.reason];
  }
}

export function statusFromWire(tag: number, w: readonly unknown[]): StatusMessage | undefined {
  switch (tag) {
    case StatusTag.hid:
      arity(w, 'hid-status', 4);
      return {
        type: 'hid-status',
        keyboard: bool(w[1], 'hid-status.keyboard'),
        mouse: bool(w[2], 'hid-status.mouse'),
        mouseRel: bool(w[3], 'hid-status.mouseRel'),
        host: oneOf(w[4], 'hid-status.host', USB_HOST_STATES),
      };
    case StatusTag.leds:
      arity(w, 'leds', 1);
      return { type: 'leds', leds: uint(w[1], 'leds.leds', 0xff) };
    case StatusTag.video:
      arity(w, 'video-status', 5);
      return {
        type: 'video-status',
        present: bool(w[1], 'video-status.present'),
        width: uint(w[2], 'video-status.width', 0xffff),
        height: uint(w[3], 'video-status.height', 0xffff),
        fps: num(w[4], 'video-status.fps'),
        reason: str(w[5], 'video-status.reason', 256),
      };
    default:
      return undefined;
  }
}
