/** The keyboard LED path back to the KVM: X's LED state as a HID LED output report byte. */
import { Led } from '../../protocol/reports.ts';

/**
 * X core LED mask (GetKeyboardControl `led-mask`) → HID LED output report byte. X numbers its LEDs
 * from xkb's keycodes/evdev `indicator N` lines (1 Caps, 2 Num, 3 Scroll, 4 Compose, 5 Kana), LED N
 * being mask bit N-1; the HID LED page orders them Num 0x01, Caps 0x02, Scroll 0x04, Compose 0x08,
 * Kana 0x10 (HUT §11).
 */
export function xLedMaskToHid(ledMask: number): number {
  const bit = (n: number): number => (ledMask >>> n) & 1;
  return (
    (bit(1) * Led.NumLock) |
    (bit(0) * Led.CapsLock) |
    (bit(2) * Led.ScrollLock) |
    (bit(3) * Led.Compose) |
    (bit(4) * Led.Kana)
  );
}
