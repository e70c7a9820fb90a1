// Lives under test/rig (run by `npm run test:hardware`) because the hardware layer's tests are kept there;
// it needs no QEMU and takes milliseconds.
import { describe, expect, it } from 'vitest';
import {
  KEYBOARD_REPORT_DESC,
  MOUSE_ABS_REPORT_DESC,
  MOUSE_REL_REPORT_DESC,
} from '../../../hardware/gadget/descriptors.ts';
import { WEBKVM_GADGET } from '../../../hardware/gadget/spec.ts';
import {
  KEYBOARD_REPORT_BYTES,
  MOUSE_ABS_REPORT_BYTES,
  MOUSE_REL_REPORT_BYTES,
  keyboardReport,
  mouseAbsReport,
  mouseRelReport,
} from '../../../protocol/reports.ts';
import { parseDescriptor, readField, type HidField } from './hid-items.ts';

const CONSTANT = 1;
const RELATIVE = 4;
const VARIABLE = 2;
const dataFields = (fields: HidField[], kind: HidField['kind']) =>
  fields.filter((f) => f.kind === kind && !(f.flags & CONSTANT));

describe('gadget report descriptors', () => {
  it.each([
    ['keyboard', KEYBOARD_REPORT_DESC, KEYBOARD_REPORT_BYTES, 1],
    ['absolute mouse', MOUSE_ABS_REPORT_DESC, MOUSE_ABS_REPORT_BYTES, 0],
    ['relative mouse', MOUSE_REL_REPORT_DESC, MOUSE_REL_REPORT_BYTES, 0],
  ] as const)(
    '%s: input report is as long as protocol/reports.ts says, output as the LEDs need',
    (_, desc, inputBytes, outputBytes) => {
      const parsed = parseDescriptor(desc);
      expect(parsed.openCollections).toBe(0);
      expect(parsed.bits.input).toBe(inputBytes * 8);
      expect(parsed.bits.output).toBe(outputBytes * 8);
      expect(parsed.bits.feature).toBe(0);
    },
  );

  it('setup gives each function the report length and descriptor of its role', () => {
    const byRole = Object.fromEntries(WEBKVM_GADGET.functions.map((f) => [f.role, f]));
    expect(byRole.keyboard).toMatchObject({
      reportLength: 8,
      reportDesc: KEYBOARD_REPORT_DESC,
      protocol: 1,
      subclass: 1,
    });
    expect(byRole.mouse).toMatchObject({
      reportLength: 7,
      reportDesc: MOUSE_ABS_REPORT_DESC,
      protocol: 0,
      subclass: 0,
    });
    expect(byRole['mouse-rel']).toMatchObject({
      reportLength: 4,
      reportDesc: MOUSE_REL_REPORT_DESC,
      protocol: 2,
      subclass: 1,
    });
  });

  it('keyboard: 8 modifier bits 0xE0..0xE7, reserved byte, 6-key array over usages 0..255, 5 LEDs + 3 pad', () => {
    const { fields } = parseDescriptor(KEYBOARD_REPORT_DESC);
    const [mods, keys] = dataFields(fields, 'input');
    expect(mods).toMatchObject({
      offset: 0,
      size: 1,
      count: 8,
      usagePage: 0x07,
      usages: [0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7],
      logicalMin: 0,
      logicalMax: 1,
    });
    expect(mods!.flags & VARIABLE).toBe(VARIABLE);
    expect(keys).toMatchObject({
      offset: 16,
      size: 8,
      count: 6,
      usagePage: 0x07,
      usageMin: 0,
      usageMax: 255,
      logicalMin: 0,
      logicalMax: 255,
    });
    expect(keys!.flags & VARIABLE).toBe(0); // array
    const reserved = fields.find((f) => f.kind === 'input' && f.flags & CONSTANT);
    expect(reserved).toMatchObject({ offset: 8, size: 8, count: 1 });
    const [leds] = dataFields(fields, 'output');
    expect(leds).toMatchObject({ offset: 0, size: 1, count: 5, usagePage: 0x08, usages: [1, 2, 3, 4, 5] });
    expect(fields.find((f) => f.kind === 'output' && f.flags & CONSTANT)).toMatchObject({
      offset: 5,
      size: 3,
      count: 1,
    });
  });

  it('keyboard: the fields read back what keyboardReport builds, including IntlRo, IntlYen, Lang1/Lang2', () => {
    const { fields } = parseDescriptor(KEYBOARD_REPORT_DESC);
    const [mods, keys] = dataFields(fields, 'input');
    const report = keyboardReport({ modifiers: 0x42, keys: [0x87, 0x89, 0x90, 0x91, 0x04, 0xe7] });
    expect(readField(report, mods!, 1)).toBe(1); // LeftShift
    expect(readField(report, mods!, 6)).toBe(1); // RightAlt
    expect([0, 1, 2, 3, 4, 5].map((n) => readField(report, keys!, n))).toEqual([0x87, 0x89, 0x90, 0x91, 0x04, 0xe7]);
    for (let n = 0; n < 6; n++) {
      const v = readField(report, keys!, n);
      expect(v >= keys!.logicalMin && v <= keys!.logicalMax).toBe(true);
    }
  });

  it('absolute mouse: Mouse application > Pointer physical; 8 buttons, X/Y 0..32767 absolute, wheel and AC Pan relative', () => {
    const { fields } = parseDescriptor(MOUSE_ABS_REPORT_DESC);
    const [buttons, xy, wheel, pan] = dataFields(fields, 'input');
    for (const f of [buttons, xy, wheel, pan]) expect(f!.collections).toEqual(['1:1:2', '0:1:1']);
    expect(buttons).toMatchObject({ offset: 0, size: 1, count: 8, usagePage: 0x09, usages: [1, 2, 3, 4, 5, 6, 7, 8] });
    expect(xy).toMatchObject({
      offset: 8,
      size: 16,
      count: 2,
      usagePage: 0x01,
      usages: [0x30, 0x31],
      logicalMin: 0,
      logicalMax: 32767,
    });
    expect(xy!.flags & RELATIVE).toBe(0);
    expect(wheel).toMatchObject({
      offset: 40,
      size: 8,
      count: 1,
      usagePage: 0x01,
      usages: [0x38],
      logicalMin: -127,
      logicalMax: 127,
    });
    expect(pan).toMatchObject({
      offset: 48,
      size: 8,
      count: 1,
      usagePage: 0x0c,
      usages: [0x238],
      logicalMin: -127,
      logicalMax: 127,
    });
    for (const f of [wheel, pan]) expect(f!.flags & RELATIVE).toBe(RELATIVE);
    const report = mouseAbsReport({ buttons: 0x11, x: 32767, y: 1234, wheel: -127, pan: 5 });
    expect([
      readField(report, buttons!, 0),
      readField(report, buttons!, 4),
      readField(report, xy!, 0),
      readField(report, xy!, 1),
      readField(report, wheel!),
      readField(report, pan!),
    ]).toEqual([1, 1, 32767, 1234, -127, 5]);
  });

  it('relative mouse: boot layout (buttons, X, Y in the first 3 bytes) plus wheel, all -127..127 relative', () => {
    const { fields } = parseDescriptor(MOUSE_REL_REPORT_DESC);
    const [buttons, axes] = dataFields(fields, 'input');
    expect(buttons).toMatchObject({ offset: 0, size: 1, count: 8, usagePage: 0x09 });
    expect(axes).toMatchObject({
      offset: 8,
      size: 8,
      count: 3,
      usages: [0x30, 0x31, 0x38],
      logicalMin: -127,
      logicalMax: 127,
    });
    expect(axes!.flags & RELATIVE).toBe(RELATIVE);
    const report = mouseRelReport({ buttons: 0x04, dx: -127, dy: 127, wheel: -1 });
    expect([
      readField(report, buttons!, 2),
      readField(report, axes!, 0),
      readField(report, axes!, 1),
      readField(report, axes!, 2),
    ]).toEqual([1, -127, 127, -1]);
  });

  it.each([
    ['a truncated item', Uint8Array.from([0x26, 0xff])],
    ['a long item', Uint8Array.from([0xfe, 0x00, 0x00])],
  ])('the test parser rejects %s', (_, bad) => {
    expect(() => parseDescriptor(bad)).toThrow();
  });
});
