/**
 * Windows-1252 ("ANSI", Western European), the code page of Windows Alt+0<decimal> codes on
 * US and Western European Windows. Source: the WHATWG Encoding Standard, index-windows-1252
 * (bytes 0x80..0x9F; 0x20..0x7E and 0xA0..0xFF are identical to Unicode). Bytes 0x81, 0x8D, 0x8F,
 * 0x90 and 0x9D have no character. Written out because Node's TextDecoder treats the label as
 * ISO-8859-1.
 */

// prettier-ignore
const HIGH: readonly (number | null)[] = [
  0x20ac, null, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, null, 0x017d, null, // 0x80
  null, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, null, 0x017e, 0x0178, // 0x90
];

const BYTE_BY_CP = new Map<number, number>();
for (let b = 0x20; b <= 0xff; b++) {
  const cp = b >= 0x80 && b <= 0x9f ? HIGH[b - 0x80] : b === 0x7f ? null : b;
  if (cp !== null && cp !== undefined) BYTE_BY_CP.set(cp, b);
}

/** The Windows-1252 byte (0x20..0xFF) of a printable code point, or undefined. */
export function windows1252Byte(cp: number): number | undefined {
  return BYTE_BY_CP.get(cp);
}
