import { describe, expect, it } from 'vitest';
import { CLOCK_LAYOUT, clockGeometry, crc8, decodeClock, encodeClock, unwrapClock } from '../../hardware/sim/clock.ts';

describe('pixel clock strip (hardware/sim/clock.ts)', () => {
  it.each([0, 1, 1_767_225_600_123, 2 ** 32 - 1, 2 ** 32, 1_767_225_600_123.9])('round-trips %d (mod 2^32)', (ms) => {
    const bits = encodeClock(ms);
    expect(bits).toHaveLength(CLOCK_LAYOUT.cells);
    expect(decodeClock(bits)).toBe(Math.floor(ms) % 2 ** 32);
  });

  it('rejects every single-cell error (a frame grabbed mid-redraw, a misread cell)', () => {
    const bits = encodeClock(1_767_225_600_123);
    for (let i = 0; i < bits.length; i++) {
      const bad = [...bits];
      bad[i] = !bad[i];
      expect(decodeClock(bad), `cell ${i}`).toBeUndefined();
    }
  });

  it('rejects a strip of the wrong length and all-white or all-black rows', () => {
    expect(decodeClock(encodeClock(5).slice(1))).toBeUndefined();
    expect(decodeClock(new Array<boolean>(CLOCK_LAYOUT.cells).fill(true))).toBeUndefined();
    expect(decodeClock(new Array<boolean>(CLOCK_LAYOUT.cells).fill(false))).toBeUndefined();
  });

  it('computes CRC-8 (poly 0x07) with the standard check value', () => {
    expect(crc8([0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39])).toBe(0xf4); // "123456789"
  });

  it('unwraps the shown ms to the latest epoch ms not after now, across a 2^32 wrap', () => {
    const now = 3 * 2 ** 32 + 100;
    expect(unwrapClock(40, now)).toBe(3 * 2 ** 32 + 40);
    expect(unwrapClock(2 ** 32 - 60, now)).toBe(3 * 2 ** 32 - 60);
  });

  it('sits in the top right corner of the screen', () => {
    expect(clockGeometry(1280)).toEqual({ x: 1280 - 8 - 44 * 14, y: 8, width: 616, height: 20, cell: 14, cells: 44 });
  });
});
