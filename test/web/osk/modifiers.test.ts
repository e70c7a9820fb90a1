import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keyboardReport, type ClientMessage } from '../../../protocol/index.ts';
import { makeInputController, type ControllerClock } from '../../../web/src/lib/input/controller.ts';
import { DOUBLE_TAP_MS, HOLD_MS, makeModifiers, type Modifiers } from '../../../web/src/lib/osk/modifiers.ts';
import { makeOskInput, type OskInput } from '../../../web/src/components/osk/keyboard-input.ts';

const A = 0x04;
const B = 0x05;
const SHIFT = 0xe1;
const CTRL = 0xe0;
const ALTGR = 0xe6;

const clock: ControllerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

/** The machine alone, recording what it presses and releases. */
function machine(): { m: Modifiers; log: string[] } {
  const log: string[] = [];
  const m = makeModifiers({
    press: (u) => log.push(`+${u.toString(16)}`),
    release: (u) => log.push(`-${u.toString(16)}`),
    clock,
    onChange: () => undefined,
  });
  return { m, log };
}
const tap = (m: Modifiers, u: number, ms = 50): void => {
  m.modDown(u);
  vi.advanceTimersByTime(ms);
  m.modUp(u);
};
/** A non-modifier key pressed and released, logged as the OSK does around the controller. */
const key = (m: Modifiers, log: string[], u: number): void => {
  m.keyDown(u);
  log.push(`+${u.toString(16)}`);
  log.push(`-${u.toString(16)}`);
  m.keyUp(u);
};

describe('OSK modifiers: latch, hold, lock', () => {
  it('latches on a tap: nothing sent until the next key, released after it, then off', () => {
    const { m, log } = machine();
    tap(m, SHIFT);
    expect(m.state(SHIFT)).toBe('latched');
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1000);
    key(m, log, A);
    key(m, log, B);
    expect(log).toEqual(['+e1', '+4', '-4', '-e1', '+5', '-5']);
    expect(m.state(SHIFT)).toBe('off');
  });

  it('unlatches on a second tap after the double-tap time, sending nothing', () => {
    const { m, log } = machine();
    tap(m, CTRL);
    vi.advanceTimersByTime(DOUBLE_TAP_MS + 10);
    tap(m, CTRL);
    expect(m.state(CTRL)).toBe('off');
    expect(log).toEqual([]);
  });

  it('holds on a long press: pressed after HOLD_MS, for every key until let go', () => {
    const { m, log } = machine();
    m.modDown(CTRL);
    vi.advanceTimersByTime(HOLD_MS - 1);
    expect(m.state(CTRL)).toBe('pressing');
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(m.state(CTRL)).toBe('held');
    key(m, log, A);
    key(m, log, B);
    m.modUp(CTRL);
    expect(log).toEqual(['+e0', '+4', '-4', '+5', '-5', '-e0']);
    expect(m.state(CTRL)).toBe('off');
  });

  it('holds a modifier that is down when another key goes down (a quick two-finger chord)', () => {
    const { m, log } = machine();
    m.modDown(CTRL);
    vi.advanceTimersByTime(80);
    key(m, log, A);
    m.modUp(CTRL);
    vi.advanceTimersByTime(HOLD_MS);
    expect(log).toEqual(['+e0', '+4', '-4', '-e0']);
    expect(m.state(CTRL)).toBe('off');
  });

  it('locks on a double tap until tapped again', () => {
    const { m, log } = machine();
    tap(m, ALTGR, 40);
    vi.advanceTimersByTime(DOUBLE_TAP_MS - 100);
    tap(m, ALTGR, 40);
    expect(m.state(ALTGR)).toBe('locked');
    expect(log).toEqual(['+e6']);
    key(m, log, A);
    key(m, log, B);
    expect(m.state(ALTGR)).toBe('locked');
    tap(m, ALTGR);
    expect(m.state(ALTGR)).toBe('off');
    expect(log).toEqual(['+e6', '+4', '-4', '+5', '-5', '-e6']);
  });

  it('does not lock when the first tap was used by a key', () => {
    const { m, log } = machine();
    tap(m, SHIFT);
    key(m, log, A);
    tap(m, SHIFT);
    expect(m.state(SHIFT)).toBe('latched');
  });

  it('combines a latched Shift with a locked AltGr on one key', () => {
    const { m, log } = machine();
    tap(m, ALTGR);
    tap(m, ALTGR);
    vi.advanceTimersByTime(1000);
    tap(m, SHIFT);
    key(m, log, A);
    expect(log).toEqual(['+e6', '+e1', '+4', '-4', '-e1']);
    expect([m.state(ALTGR), m.state(SHIFT)]).toEqual(['locked', 'off']);
  });

  it('reset forgets every state without sending; releaseAll lets go of what it pressed', () => {
    const { m, log } = machine();
    tap(m, CTRL);
    tap(m, CTRL);
    tap(m, SHIFT, 10);
    vi.advanceTimersByTime(1000);
    m.modDown(ALTGR);
    m.reset();
    vi.advanceTimersByTime(HOLD_MS * 2); // the hold timer is gone too
    expect([m.state(CTRL), m.state(SHIFT), m.state(ALTGR)]).toEqual(['off', 'off', 'off']);
    expect(log).toEqual(['+e0']);
    tap(m, CTRL);
    tap(m, CTRL);
    m.releaseAll();
    expect(log).toEqual(['+e0', '+e0', '-e0']);
  });
});

describe('OSK keys on the one input controller', () => {
  function rig(): { osk: OskInput; reports: () => string[]; ctl: ReturnType<typeof makeInputController> } {
    const sent: ClientMessage[] = [];
    const ctl = makeInputController({
      send: (msg) => {
        sent.push(msg);
        return true;
      },
      mayInput: () => true,
      batchActive: () => false,
      blockedInput: () => undefined,
      clock,
    });
    const osk = makeOskInput(ctl, () => undefined, clock);
    const reports = () =>
      sent.flatMap((msg) => (msg.type === 'keyboard' ? [Buffer.from(msg.report).toString('hex')] : []));
    return { osk, reports, ctl };
  }
  const hex = (modifiers: number, keys: number[]) => Buffer.from(keyboardReport({ modifiers, keys })).toString('hex');

  it('types Shift+A for a physical Shift plus an OSK A', () => {
    const { osk, reports, ctl } = rig();
    ctl.keyDown(SHIFT, 'keyboard');
    osk.down(1, A);
    osk.up(1);
    ctl.keyUp(SHIFT, 'keyboard');
    expect(reports()).toEqual([hex(2, []), hex(2, [A]), hex(2, []), hex(0, [])]);
  });

  it('holds two keys pressed by two fingers at once', () => {
    const { osk, reports, ctl } = rig();
    osk.down(1, A);
    osk.down(2, B);
    expect(ctl.heldKeys()).toEqual([A, B]);
    osk.up(1);
    osk.up(2);
    expect(reports()).toEqual([hex(0, [A]), hex(0, [A, B]), hex(0, [B]), hex(0, [])]);
  });

  it('keeps a key down while held (the target repeats it), one report per change', () => {
    const { osk, reports } = rig();
    osk.down(1, A);
    vi.advanceTimersByTime(3000);
    expect(reports()).toEqual([hex(0, [A])]);
    osk.up(1);
    osk.up(1); // pointerup then lostpointercapture
    expect(reports()).toEqual([hex(0, [A]), hex(0, [])]);
  });

  it('clears latches and locks when the controller releases everything (blur, hidden, disconnect)', () => {
    const { osk, ctl, reports } = rig();
    osk.down(1, SHIFT);
    osk.up(1);
    osk.down(2, CTRL);
    osk.up(2);
    osk.down(3, CTRL);
    osk.up(3);
    osk.down(4, 0xe2);
    osk.up(4);
    expect(osk.mods.state(SHIFT)).toBe('latched');
    expect(osk.mods.state(CTRL)).toBe('locked');
    ctl.releaseAll('blur');
    expect([osk.mods.state(SHIFT), osk.mods.state(CTRL), osk.mods.state(0xe2)]).toEqual(['off', 'off', 'off']);
    osk.down(5, A);
    osk.up(5);
    expect(reports().slice(-2)).toEqual([hex(0, [A]), hex(0, [])]);
  });
});
