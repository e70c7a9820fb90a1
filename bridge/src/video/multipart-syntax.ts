/**
 * The line-level syntax of a multipart body (RFC 2046 §5.1.1) and its Content-Type (RFC 2045
 * §5.1): boundary parameter, delimiter lines and part header lines. Pure functions for the parser.
 */

/** RFC 2046 §5.1.1: a boundary is 1 to 70 characters. */
export const MAX_BOUNDARY = 70;

/**
 * The boundary parameter of a Content-Type, unquoted; e.g.
 * `multipart/x-mixed-replace;boundary=boundarydonotcross` → `boundarydonotcross`.
 */
export function boundaryFromContentType(contentType: string): string | undefined {
  const m = /;\s*boundary\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(contentType);
  const b = m?.[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m?.[2];
  return b && b.length <= MAX_BOUNDARY ? b : undefined;
}

/**
 * What a line (CR/LF stripped) is with respect to `boundary` (bytes, without `--`): `--B` plus
 * optional padding opens a part, `--B--` closes the body. A line that merely starts with `--B`
 * followed by other characters is a different boundary and is not a delimiter (§5.1.1 forbids
 * a boundary that is a prefix of body text, so this only matters for hostile input).
 */
export function delimiterKind(line: Buffer, boundary: Buffer): 'open' | 'close' | undefined {
  const n = boundary.length;
  if (line.length < 2 + n || line[0] !== 0x2d || line[1] !== 0x2d) return undefined;
  if (line.compare(boundary, 0, n, 2, 2 + n) !== 0) return undefined;
  const rest = line.subarray(2 + n);
  if (rest[0] === 0x2d && rest[1] === 0x2d) return 'close';
  return rest.every((c) => c === 0x20 || c === 0x09) ? 'open' : undefined;
}

/** The boundary a delimiter line declares (`--ffmpeg` → `ffmpeg`), for sources that never say it. */
export function learnBoundary(line: Buffer): string | undefined {
  if (line.length < 3 || line[0] !== 0x2d || line[1] !== 0x2d) return undefined;
  const b = line.toString('latin1', 2).trimEnd();
  return b.length > 0 && b.length <= MAX_BOUNDARY ? b : undefined;
}

/**
 * Adds one header line to `headers`: the name lower-cased, the value trimmed, a repeated header
 * joined with ", " (so a doubled Content-Length becomes invalid rather than silently chosen).
 * A line starting with white space continues the previous header (obs-fold, RFC 5322 §2.2.3).
 * Returns the name the line belonged to, for the next continuation; a line without a colon is
 * ignored like any unknown header.
 */
export function addHeaderLine(
  headers: Map<string, string>,
  text: string,
  previous: string | undefined,
): string | undefined {
  if ((text[0] === ' ' || text[0] === '\t') && previous !== undefined) {
    headers.set(previous, `${headers.get(previous) ?? ''} ${text.trim()}`);
    return previous;
  }
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const name = text.slice(0, colon).trim().toLowerCase();
  const value = text.slice(colon + 1).trim();
  const prior = headers.get(name);
  headers.set(name, prior === undefined ? value : `${prior}, ${value}`);
  return name;
}
