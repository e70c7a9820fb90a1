import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseMouseRelReport, type ClientMessage } from '../../../protocol/index.ts';
import { makeInputController } from '../../../web/src/lib/input/controller.ts';
import { attachPointerLockSource, type PointerLockDocument } from '../../../web/src/lib/input/sources/pointer-lock.ts';

/** A canvas stand-in: events, and requestPointerLock as the test scripts it. */
function fakeSurface(lock: (opts?: { unadjustedMovement?: boolean }) => Promise<void>) {
  return Object.assign(new EventTarget(), { requestPointerLock: vi.fn(lock) }) as unknown as HTMLElement & {
    requestPointerLock: ReturnType<typeof vi.fn>;
  };
}

function fakeDoc(): PointerLockDocument & { pointerLockElement: Element | null } {
  const doc = Object.assign(new EventTarget(), {
    pointerLockElement: null as Element | null,
    exitPointerLock: () => {
      doc.pointerLockElement = null;
      doc.dispatchEvent(new Event('pointerlockchange'));
    },
  });
  return doc;
}

const pointer = (type: string, o: { movementX?: number; movementY?: number; buttons?: number }) =>
  Object.assign(new Event(type, { cancelable: true }), { movementX: 0, movementY: 0, buttons: 0, ...o });

function setup() {
  const sent: ClientMessage[] = [];
  const ctl = makeInputController({
    send: (m) => {
      sent.push(m);
      return true;
    },
    mayInput: () => true,
    batchActive: () => false,
    blockedInput: () => {},
  });
  const doc = fakeDoc();
  const surface = fakeSurface(async () => {
    doc.pointerLockElement = surface as unknown as Element;
    doc.dispatchEvent(new Event('pointerlockchange'));
  });
  const changes: boolean[] = [];
  const src = attachPointerLockSource(surface, doc, ctl, (l) => changes.push(l));
  const rel = () => sent.flatMap((m) => (m.type === 'mouse-rel' ? [parseMouseRelReport(m.report)] : []));
  return { sent, ctl, doc, surface, src, changes, rel };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('pointer lock source (fake canvas and document: the real one runs in test/e2e/pointer-lock.test.ts)', () => {
  it('ignores the mouse while the canvas does not hold the lock', () => {
    const s = setup();
    s.surface.dispatchEvent(pointer('pointermove', { movementX: 5 }));
    expect(s.sent).toEqual([]);
  });

  it('releases everything when the lock starts and when it ends (a source switch)', async () => {
    const s = setup();
    s.ctl.keyDown(0x04, 'keyboard');
    expect(await s.src.request()).toBe(true);
    expect(s.sent.at(-1)).toEqual({ type: 'release-all' });
    s.surface.dispatchEvent(pointer('pointerdown', { buttons: 1 }));
    expect(s.ctl.heldButtons()).toBe(1);
    s.src.exit();
    expect(s.sent.at(-1)).toEqual({ type: 'release-all' });
    expect(s.ctl.heldButtons()).toBe(0);
    expect(s.changes).toEqual([true, false]);
  });

  it('turns movementX/Y into relative reports and buttons onto the relative mouse', async () => {
    const s = setup();
    await s.src.request();
    s.surface.dispatchEvent(pointer('pointermove', { movementX: 12, movementY: -3 }));
    s.surface.dispatchEvent(pointer('pointerdown', { buttons: 2 }));
    s.surface.dispatchEvent(pointer('pointerup', { buttons: 0 }));
    expect(s.rel()).toEqual([
      { buttons: 0, dx: 12, dy: -3, wheel: 0 },
      { buttons: 2, dx: 0, dy: 0, wheel: 0 },
      { buttons: 0, dx: 0, dy: 0, wheel: 0 },
    ]);
    expect(s.sent.some((m) => m.type === 'mouse')).toBe(false);
  });

  it('asks for unadjusted movement first and falls back where the platform does not support it', async () => {
    const s = setup();
    const lockNow = async () => {
      s.doc.pointerLockElement = s.surface as unknown as Element;
      s.doc.dispatchEvent(new Event('pointerlockchange'));
    };
    s.surface.requestPointerLock.mockImplementation(async (o?: { unadjustedMovement?: boolean }) => {
      if (o?.unadjustedMovement) throw new DOMException('not on this platform', 'NotSupportedError');
      await lockNow();
    });
    expect(await s.src.request()).toBe(true);
    expect(s.surface.requestPointerLock.mock.calls).toEqual([[{ unadjustedMovement: true }], []]);
  });

  it('reports a refusal as false', async () => {
    const s = setup();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    s.surface.requestPointerLock.mockImplementation(async () => {
      throw new DOMException('no user gesture', 'NotAllowedError');
    });
    expect(await s.src.request()).toBe(false);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
