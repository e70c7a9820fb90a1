/**
 * HID report descriptors of the three gadget functions, one item per line. They must describe
 * exactly the report layouts in protocol/reports.ts; test/rig/gadget/descriptors.test.ts
 * parses them and checks the sizes and ranges, and the kernel rig (test/rig/) proves that Linux's
 * hid-generic turns our reports into the expected evdev events.
 *
 * Sources: USB HID 1.11 §6.2.2 (item encoding) and Appendix B.1/B.2 (boot keyboard and mouse);
 * HID Usage Tables (HUT 1.12): Generic Desktop page 0x01 (§4), Keyboard/Keypad page 0x07 (§10),
 * LED page 0x08 (§11), Button page 0x09 (§12), Consumer page 0x0C (§15, AC Pan 0x0238);
 * Linux Documentation/usb/gadget_hid.rst for how f_hid takes them (configfs `report_desc`).
 * No Report IDs: each function has one input report, so report bytes start at the data.
 */

/**
 * Boot keyboard (HID 1.11 Appendix B.1) with two deliberate changes:
 * - the key array declares usages and logical values 0..255 (B.1 stops at 101), so IntlRo 0x87,
 *   IntlYen 0x89 and Lang1/Lang2 0x90/0x91 reach the host (hardware-facts §1.2: JetKVM's 0..101
 *   makes hosts drop them);
 * - the LED output report has 5 LEDs (Num, Caps, Scroll, Compose, Kana) + 3 pad bits.
 * Input report, 8 bytes: [modifiers (0xE0..0xE7 as bits 0..7), reserved, key1..key6].
 * Output report, 1 byte: LED bits 0..4.
 */
// prettier-ignore
export const KEYBOARD_REPORT_DESC: Uint8Array = Uint8Array.from([
  0x05, 0x01,       // Usage Page (Generic Desktop)
  0x09, 0x06,       // Usage (Keyboard)
  0xa1, 0x01,       // Collection (Application)
  0x05, 0x07,       //   Usage Page (Keyboard/Keypad)
  0x19, 0xe0,       //   Usage Minimum (Left Control)
  0x29, 0xe7,       //   Usage Maximum (Right GUI)
  0x15, 0x00,       //   Logical Minimum (0)
  0x25, 0x01,       //   Logical Maximum (1)
  0x75, 0x01,       //   Report Size (1)
  0x95, 0x08,       //   Report Count (8)
  0x81, 0x02,       //   Input (Data, Variable, Absolute): byte 0, modifier bits
  0x75, 0x08,       //   Report Size (8)
  0x95, 0x01,       //   Report Count (1)
  0x81, 0x01,       //   Input (Constant): byte 1, reserved
  0x05, 0x08,       //   Usage Page (LEDs)
  0x19, 0x01,       //   Usage Minimum (Num Lock)
  0x29, 0x05,       //   Usage Maximum (Kana)
  0x75, 0x01,       //   Report Size (1)
  0x95, 0x05,       //   Report Count (5)
  0x91, 0x02,       //   Output (Data, Variable, Absolute): LED bits 0..4
  0x75, 0x03,       //   Report Size (3)
  0x95, 0x01,       //   Report Count (1)
  0x91, 0x01,       //   Output (Constant): LED bits 5..7, padding
  0x05, 0x07,       //   Usage Page (Keyboard/Keypad)
  0x19, 0x00,       //   Usage Minimum (0, no event)
  0x2a, 0xff, 0x00, //   Usage Maximum (255)
  0x15, 0x00,       //   Logical Minimum (0)
  0x26, 0xff, 0x00, //   Logical Maximum (255), 2 bytes because logical values are signed (1-byte 0xFF would be -1)
  0x75, 0x08,       //   Report Size (8)
  0x95, 0x06,       //   Report Count (6)
  0x81, 0x00,       //   Input (Data, Array, Absolute): bytes 2..7, six key usages
  0xc0,             // End Collection
]);

/**
 * Absolute mouse, 7-byte input report: [buttons 1..8, X u16 LE, Y u16 LE, wheel s8, AC Pan s8].
 * The Pointer/Physical collection inside the Mouse application is what HID 1.11 Appendix B.2 and
 * HUT §4 (Pointer CP) show; macOS Recovery ignores pointers without it (PiKVM, hardware-facts §1.3).
 * X/Y are 0..32767, not a signed range: Windows 7 rejects negative or 65535 maxima (PiKVM).
 */
// prettier-ignore
export const MOUSE_ABS_REPORT_DESC: Uint8Array = Uint8Array.from([
  0x05, 0x01,       // Usage Page (Generic Desktop)
  0x09, 0x02,       // Usage (Mouse)
  0xa1, 0x01,       // Collection (Application)
  0x09, 0x01,       //   Usage (Pointer)
  0xa1, 0x00,       //   Collection (Physical)
  0x05, 0x09,       //     Usage Page (Button)
  0x19, 0x01,       //     Usage Minimum (Button 1)
  0x29, 0x08,       //     Usage Maximum (Button 8)
  0x15, 0x00,       //     Logical Minimum (0)
  0x25, 0x01,       //     Logical Maximum (1)
  0x75, 0x01,       //     Report Size (1)
  0x95, 0x08,       //     Report Count (8)
  0x81, 0x02,       //     Input (Data, Variable, Absolute): byte 0, buttons
  0x05, 0x01,       //     Usage Page (Generic Desktop)
  0x09, 0x30,       //     Usage (X)
  0x09, 0x31,       //     Usage (Y)
  0x15, 0x00,       //     Logical Minimum (0)
  0x26, 0xff, 0x7f, //     Logical Maximum (32767)
  0x75, 0x10,       //     Report Size (16)
  0x95, 0x02,       //     Report Count (2)
  0x81, 0x02,       //     Input (Data, Variable, Absolute): bytes 1..4, X and Y little-endian
  0x09, 0x38,       //     Usage (Wheel)
  0x15, 0x81,       //     Logical Minimum (-127)
  0x25, 0x7f,       //     Logical Maximum (127)
  0x75, 0x08,       //     Report Size (8)
  0x95, 0x01,       //     Report Count (1)
  0x81, 0x06,       //     Input (Data, Variable, Relative): byte 5, wheel detents
  0x05, 0x0c,       //     Usage Page (Consumer)
  0x0a, 0x38, 0x02, //     Usage (AC Pan, 0x0238)
  0x15, 0x81,       //     Logical Minimum (-127)
  0x25, 0x7f,       //     Logical Maximum (127)
  0x75, 0x08,       //     Report Size (8)
  0x95, 0x01,       //     Report Count (1)
  0x81, 0x06,       //     Input (Data, Variable, Relative): byte 6, horizontal wheel
  0xc0,             //   End Collection
  0xc0,             // End Collection
]);

/**
 * Relative mouse: the boot mouse of HID 1.11 Appendix B.2 (buttons, X, Y) with all 8 button bits
 * used instead of 3 + 5 padding, and a wheel byte appended (B.2 lets a boot device append data
 * after the 3 boot bytes; a BIOS reads only those). 4-byte input report:
 * [buttons 1..8, dx s8, dy s8, wheel s8].
 */
// prettier-ignore
export const MOUSE_REL_REPORT_DESC: Uint8Array = Uint8Array.from([
  0x05, 0x01,       // Usage Page (Generic Desktop)
  0x09, 0x02,       // Usage (Mouse)
  0xa1, 0x01,       // Collection (Application)
  0x09, 0x01,       //   Usage (Pointer)
  0xa1, 0x00,       //   Collection (Physical)
  0x05, 0x09,       //     Usage Page (Button)
  0x19, 0x01,       //     Usage Minimum (Button 1)
  0x29, 0x08,       //     Usage Maximum (Button 8)
  0x15, 0x00,       //     Logical Minimum (0)
  0x25, 0x01,       //     Logical Maximum (1)
  0x75, 0x01,       //     Report Size (1)
  0x95, 0x08,       //     Report Count (8)
  0x81, 0x02,       //     Input (Data, Variable, Absolute): byte 0, buttons
  0x05, 0x01,       //     Usage Page (Generic Desktop)
  0x09, 0x30,       //     Usage (X)
  0x09, 0x31,       //     Usage (Y)
  0x09, 0x38,       //     Usage (Wheel)
  0x15, 0x81,       //     Logical Minimum (-127)
  0x25, 0x7f,       //     Logical Maximum (127)
  0x75, 0x08,       //     Report Size (8)
  0x95, 0x03,       //     Report Count (3)
  0x81, 0x06,       //     Input (Data, Variable, Relative): bytes 1..3, dx, dy, wheel
  0xc0,             //   End Collection
  0xc0,             // End Collection
]);
