import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  parseMouseAbsReport,
  parseMouseRelReport,
  type ClientMessage,
  type MouseRelState,
} from '../../../protocol/index.ts';
import {
  makeInputController,
  REL_REPORT_INTERVAL_MS,
  type ControllerClock,
  type InputController,
} from '../../../web/src/lib/input/controller.ts';

const A = 0x04;
const B = 0x05;
const SHIFT = 0xe1;
const CTRL = 0xe0;

const fakeClock: ControllerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

interface Rig {
  ctl: InputController;
  sent: ClientMessage[];
  state: { may: boolean; batch: boolean; sendOk: boolean };
  blocked: ReturnType<typeof vi.fn>;
  keyboard(): number[][];
  rel(): MouseRelState[];
}

function rig(): Rig {
  const sent: ClientMessage[] = [];
  const state = { may: true, batch: false, sendOk: true };
  const blocked = vi.fn();
  const ctl = makeInputController({
    send: (m) => {
      if (!state.sendOk) return false;
      sent.push(m);
      return true;
    },
    mayInput: () => state.may,
    batchActive: () => state.batch,
    blockedInput: blocked,
    clock: fakeClock,
  });
  return {
    ctl,
    sent,
    state,
    blocked,
    keyboard: () => sent.flatMap((m) => (m.type === 'keyboard' ? [[...m.report]] : [])),
    rel: () => sent.flatMap((m) => (m.type === 'mouse-rel' ? [parseMouseRelReport(m.report)] : [])),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('input controller: keys across sources', () => {
  it('sends Shift+A when the physical keyboard holds Shift and another source presses A', () => {
    const r = rig();
    r.ctl.keyDown(SHIFT, 'keyboard');
    r.ctl.keyDown(A, 'on-screen-keyboard');
    r.ctl.keyUp(A, 'on-screen-keyboard');
    r.ctl.keyUp(SHIFT, 'keyboard');
    expect(r.keyboard()).toEqual([
      [0x02, 0, 0, 0, 0, 0, 0, 0],
      [0x02, 0, A, 0, 0, 0, 0, 0],
      [0x02, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 0],
    ]);
  });

  it('keeps a key two sources hold down until both let go', () => {
    const r = rig();
    expect(r.ctl.keyDown(CTRL, 'keyboard')).toBe(true);
    expect(r.ctl.keyDown(CTRL, 'on-screen-keyboard')).toBe(true);
    r.ctl.keyUp(CTRL, 'keyboard');
    expect(r.ctl.isHeld(CTRL)).toBe(true);
    r.ctl.keyUp(CTRL, 'keyboard'); // a second up from the same source changes nothing
    expect(r.ctl.isHeld(CTRL)).toBe(true);
    r.ctl.keyUp(CTRL, 'on-screen-keyboard');
    expect(r.ctl.isHeld(CTRL)).toBe(false);
    expect(r.keyboard()).toEqual([
      [0x01, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 0],
    ]);
  });

  it('swallows repeats of a held key and ups of keys nobody holds', () => {
    const r = rig();
    r.ctl.keyDown(A, 'keyboard');
    r.ctl.keyDown(A, 'keyboard');
    r.ctl.keyUp(B, 'keyboard');
    expect(r.keyboard()).toHaveLength(1);
  });

  it('reports keys in press order and ErrorRollOver (0x01) from the seventh key until one goes up', () => {
    const r = rig();
    const usages = [0x04, 0x05, 0x06, 0x07, 0x08, 0x09];
    usages.forEach((u, i) => r.ctl.keyDown(u, i % 2 ? 'keyboard' : 'touch'));
    r.ctl.keyDown(SHIFT, 'keyboard');
    expect(r.keyboard().at(-1)).toEqual([0x02, 0, ...usages]);
    r.ctl.keyDown(0x0a, 'on-screen-keyboard');
    expect(r.keyboard().at(-1)).toEqual([0x02, 0, 1, 1, 1, 1, 1, 1]);
    r.ctl.keyUp(0x04, 'touch');
    expect(r.keyboard().at(-1)).toEqual([0x02, 0, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a]);
  });

  it('forgets a key whose report could not be sent, so it is not held on a target that never saw it', () => {
    const r = rig();
    r.state.sendOk = false;
    expect(r.ctl.keyDown(A, 'keyboard')).toBe(false);
    expect(r.ctl.heldKeys()).toEqual([]);
  });

  it('sends translated typing reports as they are, in order, outside the held state', () => {
    const r = rig();
    r.ctl.typeReports([new Uint8Array([2, 0, A, 0, 0, 0, 0, 0]), new Uint8Array(8)]);
    expect(r.keyboard()).toEqual([
      [2, 0, A, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 0],
    ]);
    expect(r.ctl.heldKeys()).toEqual([]);
  });
});

describe('input controller: while input may not be sent', () => {
  it('drops keys, clears what was held and asks for control on a press', () => {
    const r = rig();
    r.ctl.keyDown(A, 'keyboard');
    r.state.may = false;
    expect(r.ctl.keyDown(B, 'keyboard')).toBe(false);
    expect(r.blocked).toHaveBeenCalledTimes(1);
    expect(r.ctl.heldKeys()).toEqual([]);
    r.ctl.keyUp(A, 'keyboard');
    expect(r.blocked).toHaveBeenCalledTimes(1);
    expect(r.sent).toHaveLength(1);
  });

  it('asks for control once per button press, not for every move with the button held', () => {
    const r = rig();
    r.state.may = false;
    r.ctl.buttons(1, 'mouse');
    r.ctl.buttons(1, 'mouse');
    r.ctl.moveAbs(10, 10, 'mouse');
    r.ctl.buttons(0, 'mouse');
    r.ctl.buttons(1, 'mouse');
    expect(r.blocked).toHaveBeenCalledTimes(2);
    expect(r.sent).toEqual([]);
  });
});

describe('input controller: releaseAll', () => {
  it.each(['blur', 'pagehide', 'hidden', 'source-switch'] as const)(
    'sends release-all on %s and forgets keys and buttons',
    (reason) => {
      const r = rig();
      const heard = vi.fn();
      r.ctl.onRelease(heard);
      r.ctl.keyDown(A, 'keyboard');
      r.ctl.buttons(1, 'mouse');
      r.ctl.releaseAll(reason);
      expect(r.sent.at(-1)).toEqual({ type: 'release-all' });
      expect(r.ctl.heldKeys()).toEqual([]);
      expect(r.ctl.heldButtons()).toBe(0);
      expect(heard).toHaveBeenCalledWith(reason);
      // A key held again after the release is a fresh press.
      r.ctl.keyDown(A, 'keyboard');
      expect(r.keyboard().at(-1)).toEqual([0, 0, A, 0, 0, 0, 0, 0]);
    },
  );

  it.each(['disconnect', 'control-lost'] as const)(
    'only forgets on %s: the page may no longer send, and the bridge released already',
    (reason) => {
      const r = rig();
      r.ctl.keyDown(A, 'keyboard');
      r.state.may = false;
      const before = r.sent.length;
      r.ctl.releaseAll(reason);
      expect(r.sent.length).toBe(before);
      expect(r.ctl.heldKeys()).toEqual([]);
    },
  );

  it('releases only the held mouse buttons while a batch plays (a release-all would cut into it)', () => {
    const r = rig();
    r.ctl.moveAbs(100, 200, 'mouse');
    r.ctl.buttons(1, 'mouse');
    r.state.batch = true;
    r.ctl.releaseAll('blur');
    const last = r.sent.at(-1)!;
    expect(last.type).toBe('mouse');
    expect(parseMouseAbsReport((last as { report: Uint8Array }).report)).toEqual({
      buttons: 0,
      x: 100,
      y: 200,
      wheel: 0,
      pan: 0,
    });
  });

  it('releases held relative buttons with a relative report while a batch plays', () => {
    const r = rig();
    r.ctl.moveRel(1, 0, 'pointer-lock');
    r.ctl.buttons(2, 'pointer-lock');
    r.state.batch = true;
    r.ctl.releaseAll('source-switch');
    expect(r.rel().at(-1)).toEqual({ buttons: 0, dx: 0, dy: 0, wheel: 0 });
  });

  it('drops pending relative motion', () => {
    const r = rig();
    r.ctl.moveRel(5, 0, 'pointer-lock');
    r.ctl.moveRel(5, 0, 'pointer-lock');
    r.ctl.releaseAll('source-switch');
    vi.advanceTimersByTime(100);
    expect(r.rel().map((m) => m.dx)).toEqual([5]);
  });
});

describe('input controller: buttons across sources', () => {
  it('reports the OR of every source and lets a button go only when its last source does', () => {
    const r = rig();
    r.ctl.moveAbs(10, 20, 'mouse');
    r.ctl.buttons(1, 'mouse');
    r.ctl.buttons(1 | 2, 'touch');
    r.ctl.buttons(0, 'mouse');
    r.ctl.buttons(0, 'touch');
    const buttons = r.sent
      .filter((m) => m.type === 'mouse')
      .map((m) => parseMouseAbsReport((m as { report: Uint8Array }).report).buttons);
    expect(buttons).toEqual([0, 1, 3, 0]);
  });

  it('sends a move only when the position changes', () => {
    const r = rig();
    r.ctl.moveAbs(10, 20, 'mouse');
    r.ctl.moveAbs(10, 20, 'mouse');
    r.ctl.moveAbs(11, 20, 'mouse');
    expect(r.sent).toHaveLength(2);
  });

  it('puts the wheel on the absolute report with the pointer position and buttons', () => {
    const r = rig();
    r.ctl.moveAbs(5, 6, 'mouse');
    r.ctl.buttons(4, 'mouse');
    r.ctl.wheel(-2, 1, 'mouse');
    expect(parseMouseAbsReport((r.sent.at(-1) as { report: Uint8Array }).report)).toEqual({
      buttons: 4,
      x: 5,
      y: 6,
      wheel: -2,
      pan: 1,
    });
  });

  it('lets the buttons go on the absolute mouse when the relative one takes over', () => {
    const r = rig();
    r.ctl.moveAbs(5, 6, 'mouse');
    r.ctl.buttons(1, 'mouse');
    r.ctl.moveRel(3, 0, 'pointer-lock');
    const abs = r.sent.filter((m) => m.type === 'mouse');
    expect(parseMouseAbsReport((abs.at(-1) as { report: Uint8Array }).report).buttons).toBe(0);
    expect(r.rel()).toEqual([{ buttons: 0, dx: 3, dy: 0, wheel: 0 }]);
  });
});

describe('input controller: relative motion', () => {
  it('sends the first move at once and coalesces the next ones into one report per interval', () => {
    const r = rig();
    r.ctl.moveRel(1, 1, 'pointer-lock');
    r.ctl.moveRel(2, 0, 'pointer-lock');
    r.ctl.moveRel(3, -4, 'pointer-lock');
    expect(r.rel()).toEqual([{ buttons: 0, dx: 1, dy: 1, wheel: 0 }]);
    vi.advanceTimersByTime(REL_REPORT_INTERVAL_MS);
    expect(r.rel()).toEqual([
      { buttons: 0, dx: 1, dy: 1, wheel: 0 },
      { buttons: 0, dx: 5, dy: -4, wheel: 0 },
    ]);
  });

  it('splits a large move into reports of at most ±127 counts, losing nothing', () => {
    const r = rig();
    r.ctl.moveRel(300, -260, 'pointer-lock');
    const reports = r.rel();
    for (const m of reports) {
      expect(Math.abs(m.dx)).toBeLessThanOrEqual(127);
      expect(Math.abs(m.dy)).toBeLessThanOrEqual(127);
    }
    expect(reports.reduce((s, m) => s + m.dx, 0)).toBe(300);
    expect(reports.reduce((s, m) => s + m.dy, 0)).toBe(-260);
  });

  it('spreads an outsized move over several flushes instead of flooding', () => {
    const r = rig();
    r.ctl.moveRel(127 * 40, 0, 'pointer-lock');
    expect(r.rel().length).toBeLessThan(40);
    vi.advanceTimersByTime(REL_REPORT_INTERVAL_MS * 10);
    expect(r.rel().reduce((s, m) => s + m.dx, 0)).toBe(127 * 40);
  });

  it('carries fractions of a count (high-DPI movementX) to the next report', () => {
    const r = rig();
    for (let i = 0; i < 4; i++) {
      r.ctl.moveRel(0.5, -0.25, 'pointer-lock');
      vi.advanceTimersByTime(REL_REPORT_INTERVAL_MS);
    }
    const reports = r.rel();
    expect(reports.reduce((s, m) => s + m.dx, 0)).toBe(2);
    expect(reports.reduce((s, m) => s + m.dy, 0)).toBe(-1);
  });

  it('sends pending motion before a button change, so a click lands where the pointer went', () => {
    const r = rig();
    r.ctl.moveRel(1, 0, 'pointer-lock');
    r.ctl.moveRel(7, 0, 'pointer-lock');
    r.ctl.buttons(1, 'pointer-lock');
    expect(r.rel()).toEqual([
      { buttons: 0, dx: 1, dy: 0, wheel: 0 },
      { buttons: 0, dx: 7, dy: 0, wheel: 0 },
      { buttons: 1, dx: 0, dy: 0, wheel: 0 },
    ]);
  });

  it('keeps held buttons on every motion report, and puts the wheel on the relative mouse', () => {
    const r = rig();
    r.ctl.moveRel(0, 0, 'pointer-lock');
    r.ctl.buttons(1, 'pointer-lock');
    r.ctl.moveRel(0, 9, 'pointer-lock');
    vi.advanceTimersByTime(REL_REPORT_INTERVAL_MS);
    r.ctl.wheel(3, 5, 'pointer-lock');
    expect(r.rel()).toEqual([
      { buttons: 1, dx: 0, dy: 0, wheel: 0 },
      { buttons: 1, dx: 0, dy: 9, wheel: 0 },
      { buttons: 1, dx: 0, dy: 0, wheel: 3 },
    ]);
    expect(r.sent.some((m) => m.type === 'mouse')).toBe(false);
  });

  it('drops motion still pending when input may no longer be sent', () => {
    const r = rig();
    r.ctl.moveRel(1, 0, 'pointer-lock');
    r.ctl.moveRel(4, 0, 'pointer-lock');
    r.state.may = false;
    vi.advanceTimersByTime(100);
    r.state.may = true;
    vi.advanceTimersByTime(100);
    expect(r.rel().map((m) => m.dx)).toEqual([1]);
  });

  it('ignores non-finite motion', () => {
    const r = rig();
    r.ctl.moveRel(Number.NaN, 1, 'pointer-lock');
    r.ctl.moveRel(Infinity, 0, 'pointer-lock');
    vi.advanceTimersByTime(100);
    expect(r.rel()).toEqual([]);
  });
});
