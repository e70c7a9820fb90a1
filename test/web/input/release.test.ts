import { describe, expect, it, vi } from 'vitest';
import { parseMouseAbsReport } from '../../../protocol/index.ts';
import { releaseMessages, watchFocusLoss } from '../../../web/src/lib/input/release.ts';

const makeDoc = () => Object.assign(new EventTarget(), { hidden: false });

describe('watchFocusLoss', () => {
  it.each([
    ['blur', 'window'],
    ['pagehide', 'window'],
  ] as const)('reports %s on the %s', (type, _on) => {
    const win = new EventTarget();
    const onLoss = vi.fn();
    watchFocusLoss(win, makeDoc(), onLoss);
    win.dispatchEvent(new Event(type));
    expect(onLoss).toHaveBeenCalledExactlyOnceWith(type);
  });

  it('reports the document becoming hidden, not it becoming visible again', () => {
    const doc = makeDoc();
    const onLoss = vi.fn();
    watchFocusLoss(new EventTarget(), doc, onLoss);
    doc.hidden = true;
    doc.dispatchEvent(new Event('visibilitychange'));
    doc.hidden = false;
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(onLoss.mock.calls).toEqual([['hidden']]);
  });

  it('ignores events that are not a loss of input (focus, pageshow, a blur on the document)', () => {
    const win = new EventTarget();
    const doc = makeDoc();
    const onLoss = vi.fn();
    watchFocusLoss(win, doc, onLoss);
    for (const t of ['focus', 'pageshow']) win.dispatchEvent(new Event(t));
    doc.dispatchEvent(new Event('blur'));
    expect(onLoss).not.toHaveBeenCalled();
  });

  it('stops listening once disposed', () => {
    const win = new EventTarget();
    const doc = makeDoc();
    const onLoss = vi.fn();
    const stop = watchFocusLoss(win, doc, onLoss);
    stop();
    win.dispatchEvent(new Event('blur'));
    win.dispatchEvent(new Event('pagehide'));
    doc.hidden = true;
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(onLoss).not.toHaveBeenCalled();
  });
});

describe('releaseMessages', () => {
  const idle = { keysHeld: 0, mouse: { buttons: 0, x: 100, y: 200 }, batchActive: false };

  it.each([
    ['nothing held (idempotent, the page may be wrong)', idle],
    ['keys held', { ...idle, keysHeld: 3 }],
    ['a mouse button held', { ...idle, mouse: { buttons: 1, x: 5, y: 6 } }],
    ['keys and buttons held', { ...idle, keysHeld: 1, mouse: { buttons: 3, x: 5, y: 6 } }],
  ])('sends one release-all with %s', (_what, held) => {
    expect(releaseMessages(held)).toEqual([{ type: 'release-all' }]);
  });

  it('leaves a playing batch alone but still releases a held button where the pointer is', () => {
    const [m, ...rest] = releaseMessages({ keysHeld: 2, mouse: { buttons: 4, x: 1234, y: 32767 }, batchActive: true });
    expect(rest).toEqual([]);
    expect(m?.type).toBe('mouse');
    const r = m?.type === 'mouse' ? parseMouseAbsReport(m.report) : undefined;
    expect(r).toEqual({ buttons: 0, x: 1234, y: 32767, wheel: 0, pan: 0 });
  });

  it('sends nothing during a batch when no button is held', () => {
    expect(releaseMessages({ ...idle, keysHeld: 4, batchActive: true })).toEqual([]);
  });
});

describe('releaseMessages with the relative mouse', () => {
  it('releases relative buttons with an all-zero relative report while a batch plays', () => {
    const m = releaseMessages({ keysHeld: 0, mouse: { buttons: 0, x: 0, y: 0 }, relButtons: 1, batchActive: true });
    expect(m).toEqual([{ type: 'mouse-rel', report: new Uint8Array(4) }]);
  });

  it('still sends one release-all when no batch plays', () => {
    const m = releaseMessages({ keysHeld: 0, mouse: { buttons: 0, x: 0, y: 0 }, relButtons: 1, batchActive: false });
    expect(m).toEqual([{ type: 'release-all' }]);
  });
});
