import { describe, expect, it } from 'vitest';
import { keyboardReport, Modifier, mouseAbsReport, mouseRelReport } from '../../protocol/reports.ts';
import { HID_TO_EVDEV, usageToXKeycode } from '../../hardware/sim/hid-usage-table.ts';
import { xLedMaskToHid } from '../../hardware/sim/leds.ts';
import { reportProblem } from '../../hardware/sim/report-checks.ts';
import { KeyboardMapper, MouseAbsMapper, MouseRelMapper, type XAction } from '../../hardware/sim/report-mapper.ts';

const down = (keycode: number): XAction => ({ kind: 'key', keycode, down: true });
const up = (keycode: number): XAction => ({ kind: 'key', keycode, down: false });
const btn = (button: number, isDown: boolean): XAction => ({ kind: 'button', button, down: isDown });
// X keycodes (evdev + 8) used below.
const A = 38,
  C = 54,
  ENTER = 36,
  CTRL_L = 37,
  SHIFT_L = 50,
  ALT_R = 108,
  META_L = 133;
const ROLLOVER = Uint8Array.of(0, 0, 1, 1, 1, 1, 1, 1);

describe('the HID usage table', () => {
  it.each([
    [0x04, 38, 'a → KEY_A 30'],
    [0x1d, 52, 'z → KEY_Z 44'],
    [0x28, 36, 'Enter → KEY_ENTER 28'],
    [0x39, 66, 'Caps Lock → KEY_CAPSLOCK 58'],
    [0x53, 77, 'Num Lock → KEY_NUMLOCK 69'],
    [0x64, 94, 'Non-US backslash → KEY_102ND 86'],
    [0xe7, 134, 'Right GUI → KEY_RIGHTMETA 126'],
  ])('maps usage %i to X keycode %i (%s)', (usage, keycode) => {
    expect(usageToXKeycode(usage)).toBe(keycode);
  });

  it('has 256 entries and drops the reserved and error usages 0..3', () => {
    expect(HID_TO_EVDEV).toHaveLength(256);
    expect([0, 1, 2, 3].map(usageToXKeycode)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('the keyboard mapper', () => {
  it.each<[string, Uint8Array[], XAction[]]>([
    [
      'presses and releases a plain key',
      [keyboardReport({ modifiers: 0, keys: [0x04] }), keyboardReport({ modifiers: 0, keys: [] })],
      [down(A), up(A)],
    ],
    [
      'presses modifiers before keys of the same report',
      [keyboardReport({ modifiers: Modifier.LeftCtrl, keys: [0x06] })],
      [down(CTRL_L), down(C)],
    ],
    [
      'releases keys before modifiers of the same report',
      [
        keyboardReport({ modifiers: Modifier.LeftCtrl | Modifier.LeftShift, keys: [0x06] }),
        keyboardReport({ modifiers: 0, keys: [] }),
      ],
      [down(CTRL_L), down(SHIFT_L), down(C), up(C), up(CTRL_L), up(SHIFT_L)],
    ],
    [
      'sends nothing for a repeated report',
      [keyboardReport({ modifiers: 0, keys: [0x28] }), keyboardReport({ modifiers: 0, keys: [0x28] })],
      [down(ENTER)],
    ],
    [
      'keeps held keys on ErrorRollOver and resumes from them',
      [keyboardReport({ modifiers: 0, keys: [0x04] }), ROLLOVER, keyboardReport({ modifiers: 0, keys: [0x04, 0x28] })],
      [down(A), down(ENTER)],
    ],
    [
      'still applies modifier changes that arrive with ErrorRollOver',
      [keyboardReport({ modifiers: 0, keys: [0x04] }), Uint8Array.of(Modifier.RightAlt, 0, 1, 1, 1, 1, 1, 1)],
      [down(A), down(ALT_R)],
    ],
    [
      'treats a modifier usage in a key slot like the modifier bit',
      [keyboardReport({ modifiers: Modifier.LeftMeta, keys: [0xe3] })],
      [down(META_L)],
    ],
  ])('%s', (_name, reports, expected) => {
    const mapper = new KeyboardMapper();
    expect(reports.flatMap((r) => mapper.map(r))).toEqual(expected);
  });
});

describe('unplugging', () => {
  it('releases held keys and modifiers, plain keys first', () => {
    const mapper = new KeyboardMapper();
    mapper.map(keyboardReport({ modifiers: Modifier.LeftCtrl, keys: [0x06] }));
    expect(mapper.reset()).toEqual([up(C), up(CTRL_L)]);
    expect(mapper.reset()).toEqual([]);
  });

  it('releases held mouse buttons', () => {
    const mapper = new MouseAbsMapper(100, 100);
    mapper.map(mouseAbsReport({ x: 0, y: 0, buttons: 0x01, wheel: 0, pan: 0 }));
    expect(mapper.reset()).toEqual([btn(1, false)]);
  });
});

describe('the mouse mappers', () => {
  const abs = (x: number, y: number, buttons = 0, wheel = 0, pan = 0): Uint8Array =>
    mouseAbsReport({ x, y, buttons, wheel, pan });

  it.each<[string, Uint8Array[], XAction[]]>([
    [
      'scales 0..32767 onto 0..W-1 and 0..H-1',
      [abs(0, 0), abs(32767, 32767), abs(16384, 8192)],
      [
        { kind: 'motion-abs', x: 0, y: 0 },
        { kind: 'motion-abs', x: 1279, y: 719 },
        { kind: 'motion-abs', x: 640, y: 180 },
      ],
    ],
    [
      'moves before pressing and maps right to button 3',
      [abs(100, 100, 0x02), abs(100, 100, 0)],
      [{ kind: 'motion-abs', x: 4, y: 2 }, btn(3, true), btn(3, false)],
    ],
    [
      'maps middle, back and forward to buttons 2, 8 and 9',
      [abs(0, 0, 0x1c)],
      [{ kind: 'motion-abs', x: 0, y: 0 }, btn(2, true), btn(8, true), btn(9, true)],
    ],
    [
      'clicks button 4 per wheel-up detent and button 6 per pan-left detent',
      [abs(0, 0, 0, 2, -1)],
      [
        { kind: 'motion-abs', x: 0, y: 0 },
        btn(4, true),
        btn(4, false),
        btn(4, true),
        btn(4, false),
        btn(6, true),
        btn(6, false),
      ],
    ],
  ])('absolute: %s', (_name, reports, expected) => {
    const mapper = new MouseAbsMapper(1280, 720);
    expect(reports.flatMap((r) => mapper.map(r))).toEqual(expected);
  });

  it('relative: turns counts into relative motion and wheel-down into button 5', () => {
    const mapper = new MouseRelMapper();
    const actions = [
      mouseRelReport({ buttons: 1, dx: -5, dy: 7, wheel: -1 }),
      mouseRelReport({ buttons: 0, dx: 0, dy: 0, wheel: 0 }),
    ].flatMap((r) => mapper.map(r));
    expect(actions).toEqual([
      { kind: 'motion-rel', dx: -5, dy: 7 },
      btn(1, true),
      btn(5, true),
      btn(5, false),
      btn(1, false),
    ]);
  });
});

describe('LEDs and report checks', () => {
  it.each([
    [0b001, 0x02, 'Caps'],
    [0b010, 0x01, 'Num'],
    [0b100, 0x04, 'Scroll'],
    [0b111, 0x07, 'all three'],
  ])('turns X LED mask %i into HID LED byte %i (%s)', (mask, hid) => {
    expect(xLedMaskToHid(mask)).toBe(hid);
  });

  it.each<['keyboard' | 'mouse' | 'mouse-relative', Uint8Array, boolean]>([
    ['keyboard', Uint8Array.of(0, 0, 4, 0, 0, 0, 0, 0), false],
    ['keyboard', Uint8Array.of(0, 9, 4, 0, 0, 0, 0, 0), true],
    ['mouse', Uint8Array.of(0, 0xff, 0xff, 0, 0, 0, 0), true],
    ['mouse-relative', Uint8Array.of(0, 0x80, 0, 0), true],
    ['mouse-relative', Uint8Array.of(0x20, 1, 1, 0), true],
  ])('flags a bad %s report %o: %s', (kind, report, bad) => {
    expect(reportProblem(kind, report) !== undefined).toBe(bad);
  });
});
