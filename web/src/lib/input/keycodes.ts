/**
 * `KeyboardEvent.code` → HID Keyboard/Keypad page (0x07) usage ID, the one table the PWA uses to
 * turn physical keys into boot keyboard reports (protocol/reports.ts).
 *
 * Sources, cross-checked entry by entry (values are HID usage IDs 0x00..0xFF on page 0x07):
 * - W3C "UI Events KeyboardEvent code Values" (https://www.w3.org/TR/uievents-code/): which
 *   code strings exist, including the legacy/international section (Again..Undo, Hiragana...).
 * - Chromium ui/events/keycodes/dom/dom_code_data.inc: the USB usage Chromium assigns each code.
 * - qemu/keycodemapdb data/keymaps.csv: its "HTML code" and "USB Keycodes" columns.
 * - USB HID Usage Tables 1.12, chapter 10 (Keyboard/Keypad page).
 *
 * Notes on choices:
 * - Browsers report `Backslash` for both the ANSI key (usage 0x31) and the ISO "Non-US # and ~" key
 *   (0x32), because platforms give both the same scancode. We send 0x31; hosts treat the two alike.
 * - `Props` is Chromium's 0xA3 (CrSel/Props), not 0x76 (Keyboard Menu, which has no code string).
 * - Usage 0x78 (Keyboard Stop) has no code string in W3C or Chromium (`BrowserStop` is Consumer
 *   page 0x0C0226), so it is unreachable from a KeyboardEvent and not listed.
 */
import { isModifierUsage } from '../../../../protocol/reports.ts';

export const HID_USAGE_BY_CODE = {
  // Writing system keys (usages 0x04..0x38).
  KeyA: 0x04,
  KeyB: 0x05,
  KeyC: 0x06,
  KeyD: 0x07,
  KeyE: 0x08,
  KeyF: 0x09,
  KeyG: 0x0a,
  KeyH: 0x0b,
  KeyI: 0x0c,
  KeyJ: 0x0d,
  KeyK: 0x0e,
  KeyL: 0x0f,
  KeyM: 0x10,
  KeyN: 0x11,
  KeyO: 0x12,
  KeyP: 0x13,
  KeyQ: 0x14,
  KeyR: 0x15,
  KeyS: 0x16,
  KeyT: 0x17,
  KeyU: 0x18,
  KeyV: 0x19,
  KeyW: 0x1a,
  KeyX: 0x1b,
  KeyY: 0x1c,
  KeyZ: 0x1d,
  Digit1: 0x1e,
  Digit2: 0x1f,
  Digit3: 0x20,
  Digit4: 0x21,
  Digit5: 0x22,
  Digit6: 0x23,
  Digit7: 0x24,
  Digit8: 0x25,
  Digit9: 0x26,
  Digit0: 0x27,
  Enter: 0x28,
  Escape: 0x29,
  Backspace: 0x2a,
  Tab: 0x2b,
  Space: 0x2c,
  Minus: 0x2d,
  Equal: 0x2e,
  BracketLeft: 0x2f,
  BracketRight: 0x30,
  Backslash: 0x31,
  Semicolon: 0x33,
  Quote: 0x34,
  Backquote: 0x35,
  Comma: 0x36,
  Period: 0x37,
  Slash: 0x38,
  CapsLock: 0x39,
  // Function row.
  F1: 0x3a,
  F2: 0x3b,
  F3: 0x3c,
  F4: 0x3d,
  F5: 0x3e,
  F6: 0x3f,
  F7: 0x40,
  F8: 0x41,
  F9: 0x42,
  F10: 0x43,
  F11: 0x44,
  F12: 0x45,
  PrintScreen: 0x46,
  ScrollLock: 0x47,
  Pause: 0x48,
  // Control pad and arrows.
  Insert: 0x49,
  Home: 0x4a,
  PageUp: 0x4b,
  Delete: 0x4c,
  End: 0x4d,
  PageDown: 0x4e,
  ArrowRight: 0x4f,
  ArrowLeft: 0x50,
  ArrowDown: 0x51,
  ArrowUp: 0x52,
  // Numpad.
  NumLock: 0x53,
  NumpadDivide: 0x54,
  NumpadMultiply: 0x55,
  NumpadSubtract: 0x56,
  NumpadAdd: 0x57,
  NumpadEnter: 0x58,
  Numpad1: 0x59,
  Numpad2: 0x5a,
  Numpad3: 0x5b,
  Numpad4: 0x5c,
  Numpad5: 0x5d,
  Numpad6: 0x5e,
  Numpad7: 0x5f,
  Numpad8: 0x60,
  Numpad9: 0x61,
  Numpad0: 0x62,
  NumpadDecimal: 0x63,
  IntlBackslash: 0x64,
  ContextMenu: 0x65,
  Power: 0x66,
  NumpadEqual: 0x67,
  F13: 0x68,
  F14: 0x69,
  F15: 0x6a,
  F16: 0x6b,
  F17: 0x6c,
  F18: 0x6d,
  F19: 0x6e,
  F20: 0x6f,
  F21: 0x70,
  F22: 0x71,
  F23: 0x72,
  F24: 0x73,
  // Sun-style editing keys: Open is HID "Execute" (0x74), per Chromium.
  Open: 0x74,
  Help: 0x75,
  Select: 0x77,
  Again: 0x79,
  Undo: 0x7a,
  Cut: 0x7b,
  Copy: 0x7c,
  Paste: 0x7d,
  Find: 0x7e,
  // The only media keys page 0x07 has; the rest are Consumer page (see UNSUPPORTED_CODES).
  AudioVolumeMute: 0x7f,
  AudioVolumeUp: 0x80,
  AudioVolumeDown: 0x81,
  NumpadComma: 0x85,
  // International1..5 and LANG1..5 (Japanese and Korean keyboards).
  IntlRo: 0x87,
  KanaMode: 0x88,
  IntlYen: 0x89,
  Convert: 0x8a,
  NonConvert: 0x8b,
  Lang1: 0x90,
  Lang2: 0x91,
  Lang3: 0x92,
  Lang4: 0x93,
  Lang5: 0x94,
  Abort: 0x9b,
  Props: 0xa3,
  // Extended numpad (Microsoft Natural and calculator keypads).
  NumpadParenLeft: 0xb6,
  NumpadParenRight: 0xb7,
  NumpadBackspace: 0xbb,
  NumpadMemoryStore: 0xd0,
  NumpadMemoryRecall: 0xd1,
  NumpadMemoryClear: 0xd2,
  NumpadMemoryAdd: 0xd3,
  NumpadMemorySubtract: 0xd4,
  NumpadClear: 0xd8,
  NumpadClearEntry: 0xd9,
  // Modifiers: reported as bits 0..7 of byte 0, not in the key array.
  ControlLeft: 0xe0,
  ShiftLeft: 0xe1,
  AltLeft: 0xe2,
  MetaLeft: 0xe3,
  ControlRight: 0xe4,
  ShiftRight: 0xe5,
  AltRight: 0xe6,
  MetaRight: 0xe7,
} as const;

export type KeyCode = keyof typeof HID_USAGE_BY_CODE;

/**
 * Code strings some browsers still send for keys the table has under their current name.
 * Aliases are accepted on input but never produced by {@link codeForHidUsage}.
 */
export const LEGACY_CODE_ALIASES = {
  // Firefox before 118 named the Windows/Command keys "OS".
  OSLeft: 'MetaLeft',
  OSRight: 'MetaRight',
  // Firefox before 49 used the pre-standard volume names.
  VolumeMute: 'AudioVolumeMute',
  VolumeDown: 'AudioVolumeDown',
  VolumeUp: 'AudioVolumeUp',
  // W3C legacy section: dedicated keys of Japanese word-processing keyboards (LANG4 and LANG3;
  // keycodemapdb maps KEY_HIRAGANA/KEY_KATAKANA to both names).
  Hiragana: 'Lang4',
  Katakana: 'Lang3',
} as const satisfies Record<string, KeyCode>;

/**
 * Codes browsers report that the 8-byte boot keyboard report cannot carry, because their usage
 * is not on the Keyboard/Keypad page. Sending them would need a Consumer Control (page 0x0C) or
 * System Control (page 0x01) report the gadget does not declare; they are dropped, not guessed.
 */
export const UNSUPPORTED_CODES = [
  // Consumer page 0x0C: transport, launch and browser keys.
  'MediaPlayPause',
  'MediaPlay',
  'MediaPause',
  'MediaStop',
  'MediaTrackNext',
  'MediaTrackPrevious',
  'MediaRecord',
  'MediaFastForward',
  'MediaRewind',
  'MediaSelect',
  'Eject',
  'LaunchMail',
  'LaunchApp1',
  'LaunchApp2',
  'LaunchControlPanel',
  'LaunchScreenSaver',
  'LaunchAssistant',
  'SelectTask',
  'MailReply',
  'MailForward',
  'MailSend',
  'BrowserSearch',
  'BrowserHome',
  'BrowserBack',
  'BrowserForward',
  'BrowserStop',
  'BrowserRefresh',
  'BrowserFavorites',
  'ZoomToggle',
  'KeyboardLayoutSelect',
  'ShowAllWindows',
  'BrightnessUp',
  'BrightnessDown',
  // Generic Desktop page 0x01: system power keys.
  'Sleep',
  'WakeUp',
  'DisplayToggleIntExt',
  // No HID usage at all: handled inside the keyboard (Fn), legacy modifiers, phone keypads.
  'Fn',
  'FnLock',
  'Hyper',
  'Super',
  'Turbo',
  'Suspend',
  'Resume',
  'NumpadStar',
  'NumpadHash',
  'Unidentified',
] as const;

const usageByCode = new Map<string, number>(Object.entries(HID_USAGE_BY_CODE));
for (const [alias, code] of Object.entries(LEGACY_CODE_ALIASES)) {
  usageByCode.set(alias, HID_USAGE_BY_CODE[code]);
}

const codeByUsage = new Map<number, KeyCode>();
for (const [code, usage] of Object.entries(HID_USAGE_BY_CODE) as [KeyCode, number][]) {
  codeByUsage.set(usage, code);
}
// ISO "Non-US # and ~" (0x32) is the key browsers report as Backslash, so label it that way.
codeByUsage.set(0x32, 'Backslash');

/** HID usage ID (page 0x07) for a `KeyboardEvent.code`, or undefined if it has none. */
export function hidUsageForCode(code: string): number | undefined {
  return usageByCode.get(code);
}

/** True for the eight modifier keys (usages 0xE0..0xE7), including legacy aliases. */
export function isModifierCode(code: string): boolean {
  const usage = usageByCode.get(code);
  return usage !== undefined && isModifierUsage(usage);
}

/** The current (non-alias) `KeyboardEvent.code` for a page-0x07 usage ID, for labelling keys. */
export function codeForHidUsage(usage: number): KeyCode | undefined {
  return codeByUsage.get(usage);
}
