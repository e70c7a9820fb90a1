/**
 * HID Keyboard/Keypad page (0x07) usage ID → Linux evdev key code, as the Linux kernel maps it for
 * every USB keyboard: the `hid_keyboard[256]` table in drivers/hid/hid-input.c (unchanged from
 * v2.6.x through 6.x; checked against a 6.x tree). Our own transcription, annotated per row so a
 * reviewer can check it against the HID Usage Tables (HUT 1.12 §10) and
 * include/uapi/linux/input-event-codes.h.
 *
 * The simulated target feeds these codes to X exactly as a Linux desktop does:
 * X keycode = evdev code + 8 (xkb's "evdev" keycodes file). The X server's own xkb keymap then
 * turns keycodes into symbols, so a `de` layout on the target gives `z` for usage 0x1C, like a real
 * German machine would.
 *
 * 0 means the kernel ignores the usage (no input event). KEY_UNKNOWN (240) is what the kernel
 * emits for usages it declares but cannot name; X receives keycode 248, which xkb leaves unbound.
 */

/** KEY_UNKNOWN in input-event-codes.h; the kernel source spells it `unk` in the table. */
export const KEY_UNKNOWN = 240;
const u = KEY_UNKNOWN;

// prettier-ignore
export const HID_TO_EVDEV: readonly number[] = [
  // 0x00 none, ErrorRollOver, POSTFail, ErrorUndefined, A B C D E F G H I J K L
    0,   0,   0,   0,  30,  48,  46,  32,  18,  33,  34,  35,  23,  36,  37,  38,
  // 0x10 M N O P Q R S T U V W X Y Z 1 2
   50,  49,  24,  25,  16,  19,  31,  20,  22,  47,  17,  45,  21,  44,   2,   3,
  // 0x20 3 4 5 6 7 8 9 0 Enter Esc Backspace Tab Space - = [
    4,   5,   6,   7,   8,   9,  10,  11,  28,   1,  14,  15,  57,  12,  13,  26,
  // 0x30 ] \ Non-US-# ; ' ` , . / CapsLock F1 F2 F3 F4 F5 F6
   27,  43,  43,  39,  40,  41,  51,  52,  53,  58,  59,  60,  61,  62,  63,  64,
  // 0x40 F7 F8 F9 F10 F11 F12 PrintScreen(SYSRQ) ScrollLock Pause Insert Home PageUp Delete End PageDown Right
   65,  66,  67,  68,  87,  88,  99,  70, 119, 110, 102, 104, 111, 107, 109, 106,
  // 0x50 Left Down Up NumLock KP/ KP* KP- KP+ KPEnter KP1 KP2 KP3 KP4 KP5 KP6 KP7
  105, 108, 103,  69,  98,  55,  74,  78,  96,  79,  80,  81,  75,  76,  77,  71,
  // 0x60 KP8 KP9 KP0 KP. Non-US-\(102ND) Application(COMPOSE) Power KP= F13..F20
   72,  73,  82,  83,  86, 127, 116, 117, 183, 184, 185, 186, 187, 188, 189, 190,
  // 0x70 F21..F24 Execute(OPEN) Help Menu(PROPS) Select(FRONT) Stop Again Undo Cut Copy Paste Find Mute
  191, 192, 193, 194, 134, 138, 130, 132, 128, 129, 131, 137, 133, 135, 136, 113,
  // 0x80 VolUp VolDown LockingCaps LockingNum LockingScroll KP, KP=(AS/400) Intl1(RO) Intl2(KATAKANAHIRAGANA)
  //      Intl3(YEN) Intl4(HENKAN) Intl5(MUHENKAN) Intl6(KPJPCOMMA) Intl7 Intl8 Intl9
  115, 114,   u,   u,   u, 121,   u,  89,  93, 124,  92,  94,  95,   u,   u,   u,
  // 0x90 LANG1(HANGEUL) LANG2(HANJA) LANG3(KATAKANA) LANG4(HIRAGANA) LANG5(ZENKAKUHANKAKU) LANG6..9
  //      AltErase SysReq Cancel Clear(DELETE) Prior Return Separator
  122, 123,  90,  91,  85,   u,   u,   u,   u,   u,   u,   u, 111,   u,   u,   u,
  // 0xA0 Out Oper ClearAgain CrSel ExSel, reserved
    u,   u,   u,   u,   u,   u,   u,   u,   u,   u,   u,   u,   u,   u,   u,   u,
  // 0xB0 KP00 KP000 separators currency, KP( KP) at 0xB6/0xB7, KP{ KP} KPTab KPBackspace KPA..KPD
    u,   u,   u,   u,   u,   u, 179, 180,   u,   u,   u,   u,   u,   u,   u,   u,
  // 0xC0 KPE KPF KPXOR KP^ KP% KP< KP> KP& KP&& KP| KP|| KP: KP# KPSpace KP@ KP!
    u,   u,   u,   u,   u,   u,   u,   u,   u,   u,   u,   u,   u,   u,   u,   u,
  // 0xD0 KP memory keys, KP+- at 0xD7, KPClear(DELETE) at 0xD8, KPClearEntry KPBinary..KPHex
    u,   u,   u,   u,   u,   u,   u,   u, 111,   u,   u,   u,   u,   u,   u,   u,
  // 0xE0 LeftCtrl LeftShift LeftAlt LeftMeta RightCtrl RightShift RightAlt RightMeta, then usages HID
  //      reserves but Linux maps: PLAYPAUSE STOPCD PREVIOUSSONG NEXTSONG EJECTCD VOLUMEUP VOLUMEDOWN MUTE
   29,  42,  56, 125,  97,  54, 100, 126, 164, 166, 165, 163, 161, 115, 114, 113,
  // 0xF0 WWW BACK FORWARD STOP FIND SCROLLUP SCROLLDOWN EDIT SLEEP COFFEE REFRESH CALC, reserved
  150, 158, 159, 128, 136, 177, 178, 176, 142, 152, 173, 140,   u,   u,   u,   u,
];

/** X keycodes are evdev codes offset by 8 (xkb keycodes/evdev: `<ESC> = 9` for KEY_ESC 1). */
export const X_KEYCODE_OFFSET = 8;

/**
 * The X keycode a Keyboard-page usage produces on a Linux/X host, or undefined when the kernel
 * drops the usage. `usage` 0..255.
 */
export function usageToXKeycode(usage: number): number | undefined {
  const code = HID_TO_EVDEV[usage & 0xff] ?? 0;
  return code === 0 ? undefined : code + X_KEYCODE_OFFSET;
}

/**
 * X keycodes of the eight modifier bits of keyboard report byte 0, bit 0 first: usages 0xE0..0xE7
 * through the same table (LeftCtrl 29, LeftShift 42, LeftAlt 56, LeftMeta 125, RightCtrl 97,
 * RightShift 54, RightAlt 100, RightMeta 126; each +8).
 */
export const MODIFIER_X_KEYCODES: readonly number[] = Array.from(
  { length: 8 },
  (_, bit) => (HID_TO_EVDEV[0xe0 + bit] ?? 0) + X_KEYCODE_OFFSET,
);
