/**
 * Buffers that span the chunks a stream delivers, for the multipart parser. Both keep references
 * to (sub-arrays of) the pushed chunks rather than copies, so bytes are copied at most once, when a
 * line or a body is finished. Callers must therefore not reuse a chunk's memory after pushing it
 * (Node streams hand out a fresh Buffer per 'data' event).
 */

const LF = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);

/** One text line (up to LF) assembled across chunks; at most `keep` bytes of it are kept. */
export class LineBuffer {
  private parts: Buffer[] = [];
  private kept = 0;
  /** Bytes of the current line seen so far, LF excluded, including any not kept. */
  total = 0;

  /**
   * Feeds `chunk` from `pos`. Returns the index just past the LF when the line is complete, or -1
   * when the chunk ended first (the bytes so far are held for the next call).
   */
  feed(chunk: Buffer, pos: number, keep: number): number {
    const lf = chunk.indexOf(LF, pos);
    const end = lf === -1 ? chunk.length : lf;
    const take = Math.min(end - pos, Math.max(0, keep - this.kept));
    if (take > 0) {
      this.parts.push(chunk.subarray(pos, pos + take));
      this.kept += take;
    }
    this.total += end - pos;
    return lf === -1 ? -1 : lf + 1;
  }

  /** The completed line without its LF and one trailing CR (bare-LF lines are tolerated); resets. */
  take(): Buffer {
    const line = this.parts.length === 1 ? this.parts[0]! : this.parts.length ? Buffer.concat(this.parts) : EMPTY;
    this.reset();
    return line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, -1) : line;
  }

  reset(): void {
    this.parts = [];
    this.kept = 0;
    this.total = 0;
  }
}

/** A body assembled from chunk slices; concatenated (the one copy) only when it is complete. */
export class Segments {
  private list: Buffer[] = [];
  length = 0;

  push(slice: Buffer): void {
    if (slice.length === 0) return;
    this.list.push(slice);
    this.length += slice.length;
  }

  /** A copy of the last `n` bytes (fewer if the body is shorter): the seam a delimiter may straddle. */
  tail(n: number): Buffer {
    const out: Buffer[] = [];
    let need = Math.min(n, this.length);
    for (let i = this.list.length - 1; i >= 0 && need > 0; i--) {
      const seg = this.list[i]!;
      const piece = seg.length <= need ? seg : seg.subarray(seg.length - need);
      out.unshift(piece);
      need -= piece.length;
    }
    return Buffer.concat(out);
  }

  /** Drops bytes past `length` (a delimiter found in the seam ends the body inside earlier slices). */
  truncate(length: number): void {
    while (this.length > length) {
      const last = this.list[this.list.length - 1]!;
      const excess = this.length - length;
      if (last.length <= excess) this.list.pop();
      else this.list[this.list.length - 1] = last.subarray(0, last.length - excess);
      this.length -= Math.min(excess, last.length);
    }
  }

  /** The body, minus one trailing CR: RFC 2046 §5.1.1 makes the CRLF before `--boundary` part of the delimiter. */
  finish(): Buffer {
    const last = this.list[this.list.length - 1];
    if (last && last[last.length - 1] === CR) this.truncate(this.length - 1);
    const body = Buffer.concat(this.list, this.length);
    this.reset();
    return body;
  }

  reset(): void {
    this.list = [];
    this.length = 0;
  }
}
