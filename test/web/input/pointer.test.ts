import { describe, expect, it } from 'vitest';
import {
  absoluteToClient,
  buttonsFromMouseEvent,
  displayedVideoRect,
  makeWheelAccumulator,
  mapToAbsolute,
} from '../../../web/src/lib/input/pointer.ts';

const VIDEO = { width: 1920, height: 1080 };
// 16:9 video in a wider (2:1) element: 80 px bars left and right, picture 1280×720 at x=180.
const WIDE = { left: 100, top: 50, width: 1440, height: 720 };
// 16:9 video in a taller (4:3) element: 60 px bars top and bottom, picture 960×540 at y=70.
const TALL = { left: 0, top: 10, width: 960, height: 660 };

describe('displayedVideoRect', () => {
  it.each([
    ['wide element: pillarbox', WIDE, VIDEO, { left: 180, top: 50, width: 1280, height: 720 }],
    ['tall element: letterbox', TALL, VIDEO, { left: 0, top: 70, width: 960, height: 540 }],
    ['exact fit', { left: 5, top: 5, width: 960, height: 540 }, VIDEO, { left: 5, top: 5, width: 960, height: 540 }],
    [
      '4:3 video in a 16:9 element',
      { left: 0, top: 0, width: 1600, height: 900 },
      { width: 1024, height: 768 },
      { left: 200, top: 0, width: 1200, height: 900 },
    ],
    ['no video size yet: fill the element', WIDE, { width: 0, height: 0 }, WIDE],
  ])('%s', (_name, element, video, expected) => {
    expect(displayedVideoRect(element, video)).toEqual(expected);
  });
});

describe('mapToAbsolute', () => {
  it.each([
    ['wide', [180, 50], [0, 0], WIDE],
    ['wide', [1460, 770], [32767, 32767], WIDE],
    ['wide', [1460, 50], [32767, 0], WIDE],
    ['wide', [820, 410], [16384, 16384], WIDE],
    ['tall', [0, 70], [0, 0], TALL],
    ['tall', [960, 610], [32767, 32767], TALL],
    ['tall', [480, 340], [16384, 16384], TALL],
  ] as const)('%s element: client %j → abs %j, inside', (_n, [cx, cy], [x, y], el) => {
    expect(mapToAbsolute(cx, cy, el, VIDEO)).toEqual({ x, y, inside: true });
  });

  it.each([
    ['wide, left bar', [150, 230], [0, 8192], WIDE],
    ['wide, right bar', [1500, 770], [32767, 32767], WIDE],
    ['tall, top bar', [480, 20], [16384, 0], TALL],
    ['tall, bottom bar', [0, 660], [0, 32767], TALL],
    ['outside the element', [-50, 9999], [0, 32767], TALL],
  ] as const)('%s: client %j clamps to %j, not inside', (_n, [cx, cy], [x, y], el) => {
    const p = mapToAbsolute(cx, cy, el, VIDEO);
    expect(p.inside).toBe(false);
    expect([p.x, p.y]).toEqual([x, y]);
  });

  it('never returns NaN for a zero-size element', () => {
    expect(mapToAbsolute(10, 10, { left: 0, top: 0, width: 0, height: 0 }, VIDEO)).toEqual({
      x: 0,
      y: 0,
      inside: false,
    });
  });
});

describe('absoluteToClient', () => {
  it.each([
    ['wide', [0, 0], [180, 50], WIDE],
    ['wide', [32767, 32767], [1460, 770], WIDE],
    ['wide', [16384, 8192], [820.0195, 230.0055], WIDE],
    ['tall', [0, 32767], [0, 610], TALL],
  ] as const)('%s element: abs %j → client %j', (_n, [x, y], [cx, cy], el) => {
    const c = absoluteToClient(x, y, el, VIDEO);
    expect(c.clientX).toBeCloseTo(cx, 3);
    expect(c.clientY).toBeCloseTo(cy, 3);
  });

  const samples: [string, typeof WIDE, number, number][] = [];
  for (const [name, el] of [
    ['wide', WIDE],
    ['tall', TALL],
  ] as const) {
    const r = displayedVideoRect(el, VIDEO);
    for (const fx of [0, 0.013, 0.25, 0.5, 0.777, 1]) {
      for (const fy of [0, 0.31, 0.999, 1]) samples.push([name, el, r.left + fx * r.width, r.top + fy * r.height]);
    }
  }
  it.each(samples)('%s element: client (%f, %f) round-trips within 1 px', (_n, el, cx, cy) => {
    const p = mapToAbsolute(cx, cy, el, VIDEO);
    const back = absoluteToClient(p.x, p.y, el, VIDEO);
    expect(Math.abs(back.clientX - cx)).toBeLessThanOrEqual(1);
    expect(Math.abs(back.clientY - cy)).toBeLessThanOrEqual(1);
    expect(mapToAbsolute(back.clientX, back.clientY, el, VIDEO)).toEqual(p);
  });
});

describe('buttonsFromMouseEvent', () => {
  it.each([
    [0, 0x00],
    [1, 0x01],
    [2, 0x02],
    [4, 0x04],
    [8, 0x08],
    [16, 0x10],
    [1 | 2, 0x03],
    [1 | 4 | 16, 0x15],
    [31, 0x1f],
    [32 | 1, 0x01],
  ])('MouseEvent.buttons %i → HID %i', (dom, hid) => {
    expect(buttonsFromMouseEvent(dom)).toBe(hid);
  });
});

describe('makeWheelAccumulator', () => {
  const px = (deltaY: number, deltaX = 0) => ({ deltaX, deltaY, deltaMode: 0 });
  const lines = (deltaY: number, deltaX = 0) => ({ deltaX, deltaY, deltaMode: 1 });

  it.each([
    ['one mouse notch down (100 px)', [px(100)], [-1]],
    ['one notch up', [px(-100)], [1]],
    ['touchpad: 30 px steps carry to whole detents', [px(30), px(30), px(30), px(30)], [0, 0, 0, -1]],
    ['250 px: 2 detents, 50 px carried', [px(250), px(50)], [-2, -1]],
    ['3 lines per detent', [lines(3), lines(-6)], [-1, 2]],
    ['1-line steps add up exactly', [lines(1), lines(1), lines(1)], [0, 0, -1]],
    ['page mode: 1 page per detent', [{ deltaX: 0, deltaY: 2, deltaMode: 2 }], [-2]],
    ['reversal drops the carried fraction', [px(90), px(-100)], [0, 1]],
    ['huge delta clamps to -127 and is not carried', [px(100_000), px(0), px(10)], [-127, 0, 0]],
  ] as const)('%s', (_name, events, wheels) => {
    const acc = makeWheelAccumulator();
    expect(events.map((e) => acc.add(e).wheel)).toEqual(wheels);
  });

  it('pans with deltaX, positive right, independently of the wheel', () => {
    const acc = makeWheelAccumulator();
    expect(acc.add(px(-100, 60))).toEqual({ wheel: 1, pan: 0 });
    expect(acc.add(px(0, 60))).toEqual({ wheel: 0, pan: 1 });
    expect(acc.add(lines(0, -3))).toEqual({ wheel: 0, pan: -1 });
  });

  it('reset drops partial detents', () => {
    const acc = makeWheelAccumulator();
    acc.add(px(90));
    acc.reset();
    expect(acc.add(px(20)).wheel).toBe(0);
  });
});
