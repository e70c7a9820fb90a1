import { describe, expect, it } from 'vitest';
import { mapToAbsolute } from '../../../web/src/lib/input/pointer.ts';
import {
  clampZoom,
  clientToAbsoluteZoomed,
  IDENTITY,
  keepInView,
  MAX_SCALE,
  panZoom,
  pinchZoom,
  unzoomPoint,
  zoomTransform,
} from '../../../web/src/lib/input/zoom.ts';

const box = { width: 400, height: 300 };

describe('zoom math', () => {
  it('keeps the picture point under the pinch centre fixed', () => {
    const z = pinchZoom(IDENTITY, 2, 100, 50, 0, 0, box);
    expect(z).toEqual({ scale: 2, x: -100, y: -50 });
    expect(unzoomPoint(z, 100, 50)).toEqual({ x: 100, y: 50 });
    // A second step around another point keeps that one fixed too.
    const before = unzoomPoint(z, 300, 200);
    const z2 = pinchZoom(z, 1.5, 300, 200, 0, 0, box);
    expect(z2.scale).toBe(3);
    const after = unzoomPoint(z2, 300, 200);
    expect(after.x).toBeCloseTo(before.x, 10);
    expect(after.y).toBeCloseTo(before.y, 10);
  });

  it('pans with the centroid and never shows past the picture edges', () => {
    const z = pinchZoom(IDENTITY, 2, 0, 0, 30, 0, box); // panning right at the left edge
    expect(z).toEqual({ scale: 2, x: 0, y: 0 });
    expect(clampZoom({ scale: 2, x: -1000, y: 10 }, box)).toEqual({ scale: 2, x: -400, y: 0 });
  });

  it.each([
    [0.5, 1],
    [100, MAX_SCALE],
    [Number.NaN, 1],
  ])('clamps the scale %s to %s', (factor, scale) => {
    expect(pinchZoom(IDENTITY, factor, 10, 10, 0, 0, box).scale).toBe(scale);
  });

  it('returns the pan the edges stopped, all of it at 1:1', () => {
    expect(panZoom(IDENTITY, 12, -7, box).rest).toEqual({ dx: 12, dy: -7 });
    const r = panZoom({ scale: 2, x: -390, y: -150 }, -30, 20, box);
    expect(r.zoom).toEqual({ scale: 2, x: -400, y: -130 });
    expect(r.rest).toEqual({ dx: -20, dy: 0 });
  });

  it('pans the least that keeps a point in view, and not at all when it is', () => {
    const z = { scale: 2, x: -200, y: -150 }; // shows box points 100..300 × 75..225
    expect(keepInView(z, 200, 150, box, 20)).toEqual(z);
    // Point x 310 is drawn at 420, past the right edge: drawn at 380 (20 px inside) after the pan.
    expect(keepInView(z, 310, 150, box, 20)).toEqual({ scale: 2, x: -240, y: -150 });
    expect(keepInView(z, 0, 0, box, 20)).toEqual({ scale: 2, x: 0, y: 0 }); // clamped at the edges
  });

  it('writes the CSS transform, none at 1:1', () => {
    expect(zoomTransform(IDENTITY)).toBe('none');
    expect(zoomTransform({ scale: 2, x: -10, y: -20 })).toBe('translate(-10px, -20px) scale(2)');
  });
});

describe('absolute coordinates while zoomed', () => {
  // A 1024×768 target letterboxed in a 1000×600 box at (20, 100): drawn 800×600 from x = 120.
  const viewport = { left: 20, top: 100, width: 1000, height: 600 };
  const video = { width: 1024, height: 768 };

  it('is the plain mapping at 1:1', () => {
    expect(clientToAbsoluteZoomed(520, 400, viewport, IDENTITY, video)).toEqual(
      mapToAbsolute(520, 400, viewport, video),
    );
  });

  it('agrees with mapping over the transformed box (what getBoundingClientRect gives at 2×)', () => {
    const zoom = pinchZoom(IDENTITY, 2, 300, 200, 0, 0, { width: 1000, height: 600 });
    const transformed = {
      left: viewport.left + zoom.x,
      top: viewport.top + zoom.y,
      width: viewport.width * zoom.scale,
      height: viewport.height * zoom.scale,
    };
    for (const [cx, cy] of [
      [320, 300],
      [700, 450],
      [150, 120],
    ] as const) {
      expect(clientToAbsoluteZoomed(cx, cy, viewport, zoom, video)).toEqual(mapToAbsolute(cx, cy, transformed, video));
    }
  });

  it('lands a touch at 2× on the target pixel drawn under it', () => {
    // Zoomed 2× around the box centre: the picture's centre stays at the box centre.
    const zoom = pinchZoom(IDENTITY, 2, 500, 300, 0, 0, { width: 1000, height: 600 });
    // Target pixel (600, 400) is drawn 100 + 600·(800/1024) px into the 1:1 box, then zoomed.
    const px = viewport.left + zoom.x + (100 + 600 * (800 / 1024)) * zoom.scale;
    const py = viewport.top + zoom.y + 400 * (600 / 768) * zoom.scale;
    const p = clientToAbsoluteZoomed(px, py, viewport, zoom, video);
    expect(p.x / 32767).toBeCloseTo(600 / 1024, 4);
    expect(p.y / 32767).toBeCloseTo(400 / 768, 4);
    expect(p.inside).toBe(true);
  });
});
