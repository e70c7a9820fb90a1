import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { jpegSize } from '../../../bridge/src/video/jpeg.ts';

/** A real baseline JPEG from ffmpeg's encoder, generated once. */
let real: Buffer;
beforeAll(() => {
  real = execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=320x240',
    '-frames:v',
    '1',
    '-f',
    'mjpeg',
    '-',
  ]);
});

/** A hand-made header: SOI, an APP0 segment, then a frame header with `marker`, 0x1234 × 0x0567 (w × h). */
function synthetic(marker: number, { fill = 0 } = {}): Buffer {
  const app0 = [0xff, 0xe0, 0x00, 0x06, 0x41, 0x42, 0x43, 0x44];
  const sof = [0xff, marker, 0x00, 0x0b, 0x08, 0x05, 0x67, 0x12, 0x34, 0x01, 0x01, 0x11, 0x00];
  return Buffer.from([0xff, 0xd8, ...app0, ...Array<number>(fill).fill(0xff), ...sof]);
}

describe('jpegSize', () => {
  it('reads 320x240 from a JPEG made by ffmpeg', () => {
    expect(jpegSize(real)).toEqual({ width: 320, height: 240 });
  });

  it.each([
    ['SOF0 baseline', 0xc0],
    ['SOF1 extended', 0xc1],
    ['SOF2 progressive', 0xc2],
    ['SOF3 lossless', 0xc3],
    ['SOF9 arithmetic', 0xc9],
    ['SOF15 differential lossless arithmetic', 0xcf],
  ])('reads the size from a %s frame header', (_name, marker) => {
    expect(jpegSize(synthetic(marker))).toEqual({ width: 0x1234, height: 0x0567 });
  });

  it.each([
    ['DHT', 0xc4],
    ['JPG', 0xc8],
    ['DAC', 0xcc],
  ])('does not mistake %s for a frame header', (_name, marker) => {
    expect(jpegSize(synthetic(marker))).toBeNull();
  });

  it('skips fill bytes before a marker', () => {
    expect(jpegSize(synthetic(0xc0, { fill: 3 }))).toEqual({ width: 0x1234, height: 0x0567 });
  });

  it('returns null for every truncation that cuts the frame header', () => {
    const sofEnd = real.indexOf(Buffer.from([0xff, 0xc0])) + 2 + 7;
    for (let n = 0; n < sofEnd; n++) expect(jpegSize(real.subarray(0, n))).toBeNull();
    expect(jpegSize(real.subarray(0, sofEnd))).toEqual({ width: 320, height: 240 });
  });

  it.each([
    ['no SOI', Buffer.from('not a jpeg at all')],
    ['a PNG signature', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    ['SOS before any SOF', Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02])],
    ['EOI before any SOF', Buffer.from([0xff, 0xd8, 0xff, 0xd9])],
    ['garbage where a marker belongs', Buffer.from([0xff, 0xd8, 0x12, 0x34, 0x00, 0x00])],
    [
      'a zero height (DNL)',
      Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x00, 0x01, 0x40, 0x01, 0x01, 0x11, 0x00]),
    ],
    ['an empty buffer', Buffer.alloc(0)],
  ])('returns null for %s', (_name, data) => {
    expect(jpegSize(data)).toBeNull();
  });
});
