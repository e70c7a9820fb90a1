/**
 * Frame size from a JPEG's SOFn segment, following ITU-T T.81 Annex B (B.1.1 markers, B.2.2
 * frame header). A JPEG is SOI (FFD8) then marker segments: FFxx, a 2-byte big-endian length that
 * counts itself, and the payload. The frame header is `Lf(2) P(1) Y(2) X(2) Nf(1) ...` where Y is
 * the number of lines (height) and X the samples per line (width).
 */
export interface JpegSize {
  width: number;
  height: number;
}

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const TEM = 0x01;

/** SOF0..SOF15 (0xC0..0xCF) except DHT 0xC4, JPG 0xC8 and DAC 0xCC (T.81 Table B.1). */
function isSof(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Markers without a length field (T.81 B.1.1.3): TEM, RST0..RST7, SOI, EOI. */
function isStandalone(marker: number): boolean {
  return marker === TEM || (marker >= 0xd0 && marker <= 0xd9);
}

/**
 * Width and height in pixels, or null when `data` does not start with SOI, is truncated before
 * the frame header, reaches SOS/EOI first, or declares a zero size (Y = 0 defers the height to a
 * DNL marker after the first scan, T.81 B.2.5, which a screen encoder never does).
 */
export function jpegSize(data: Uint8Array): JpegSize | null {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== SOI) return null;
  let pos = 2;
  while (pos + 1 < data.length) {
    if (data[pos] !== 0xff) return null; // a segment must start with a marker
    // Any marker may be preceded by fill bytes 0xFF (T.81 B.1.1.2).
    while (pos + 1 < data.length && data[pos + 1] === 0xff) pos++;
    if (pos + 1 >= data.length) return null;
    const marker = data[pos + 1]!;
    if (marker === 0x00) return null; // FF00 is byte stuffing, only valid inside entropy-coded data
    pos += 2;
    if (isStandalone(marker)) {
      if (marker === EOI) return null;
      continue;
    }
    if (marker === SOS || pos + 2 > data.length) return null; // entropy-coded data before any SOF
    const length = (data[pos]! << 8) | data[pos + 1]!;
    if (length < 2) return null;
    if (isSof(marker)) {
      if (length < 8 || pos + 7 > data.length) return null;
      const height = (data[pos + 3]! << 8) | data[pos + 4]!;
      const width = (data[pos + 5]! << 8) | data[pos + 6]!;
      return width > 0 && height > 0 ? { width, height } : null;
    }
    pos += length;
  }
  return null;
}
