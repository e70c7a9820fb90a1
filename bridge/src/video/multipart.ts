import { LineBuffer, Segments } from './chunks.ts';
import { videoError, type VideoError } from './errors.ts';
import { addHeaderLine, delimiterKind, learnBoundary, MAX_BOUNDARY } from './multipart-syntax.ts';

export { boundaryFromContentType } from './multipart-syntax.ts';

/** One part of a multipart body. */
export interface Part {
  /** Header names lower-cased, values trimmed (latin1); a repeated header is joined with ", ". */
  headers: Map<string, string>;
  /** The body, copied out of the pushed chunks exactly once. */
  body: Buffer;
}

export interface MultipartOptions {
  /** Boundary without the leading `--`; when absent, learnt from the first line starting with `--`. */
  boundary?: string;
  /** Largest body accepted, bytes; default 8 MiB. */
  maxPartBytes?: number;
  /** Largest header block accepted, bytes; default 16 KiB. */
  maxHeaderBytes?: number;
}

export interface MultipartHandlers {
  onPart(part: Part): void;
  onError(err: VideoError): void;
}

export const DEFAULT_MAX_PART_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
/** Bytes of a line kept while looking for a boundary: `--`, boundary, `--`, some padding. */
const SEEK_KEEP = 2 + MAX_BOUNDARY + 2 + 16;

type State = 'seek' | 'headers' | 'length-body' | 'scan-body' | 'epilogue';

/**
 * Streaming parser for `multipart/x-mixed-replace` (RFC 2046 §5.1) as uStreamer's `/stream`
 * serves it and `ffmpeg -f mpjpeg` writes it:
 *
 *     [preamble] --B CRLF headers CRLF CRLF body CRLF --B CRLF headers ... [CRLF --B-- epilogue]
 *
 * Push arbitrary chunks; parts may split anywhere and several may share a chunk. A part with a
 * valid Content-Length is emitted as soon as its last byte arrives (no body scanning, no waiting
 * for the next delimiter, which some servers only send with the next frame); otherwise the body
 * ends at the next `LF--B`. Bare LF is accepted wherever CRLF is expected; transport padding after
 * the boundary is ignored. Oversized parts and header blocks are errors: counted in `errors`,
 * reported through onError, and the parser resyncs at the next boundary line. Memory held is
 * bounded by maxPartBytes + maxHeaderBytes.
 */
export class MultipartParser {
  /** Errors by code since construction. */
  readonly errors = new Map<VideoError['code'], number>();
  private state: State = 'seek';
  private boundaryBytes: Buffer | undefined;
  /** `LF--B`: what ends a body without Content-Length. */
  private needle: Buffer | undefined;
  private readonly maxPart: number;
  private readonly maxHeader: number;
  private readonly line = new LineBuffer();
  /** After a Content-Length body only blank lines may precede the delimiter; anything else means the length lied. */
  private expectDelimiter = false;
  /** Resynced mid-line: the rest of that line cannot start a delimiter. */
  private skipLine = false;
  private headers = new Map<string, string>();
  private lastHeader: string | undefined;
  private headerBytes = 0;
  private fixed: Buffer | undefined;
  private filled = 0;
  private readonly segments = new Segments();

  constructor(
    private readonly handlers: MultipartHandlers,
    opts: MultipartOptions = {},
  ) {
    this.maxPart = opts.maxPartBytes ?? DEFAULT_MAX_PART_BYTES;
    this.maxHeader = opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
    if (opts.boundary) this.setBoundary(opts.boundary);
  }

  /** The boundary in use (given, or learnt from the stream), without `--`. */
  get boundary(): string | undefined {
    return this.boundaryBytes?.toString('latin1');
  }

  /** True once the close delimiter `--B--` was seen; the epilogue is ignored. */
  get closed(): boolean {
    return this.state === 'epilogue';
  }

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.state === 'seek') pos = this.seek(chunk, pos);
      else if (this.state === 'headers') pos = this.header(chunk, pos);
      else if (this.state === 'length-body') pos = this.lengthBody(chunk, pos);
      else if (this.state === 'scan-body') pos = this.scanBody(chunk, pos);
      else return;
    }
  }

  private setBoundary(b: string): void {
    this.boundaryBytes = Buffer.from(b, 'latin1');
    this.needle = Buffer.from(`\n--${b}`, 'latin1');
  }

  /** Preamble, resync and the delimiter line after a body: look for `--B` at a line start. */
  private seek(chunk: Buffer, pos: number): number {
    const next = this.line.feed(chunk, pos, SEEK_KEEP);
    if (next === -1) return chunk.length;
    const line = this.line.take();
    if (this.skipLine) {
      this.skipLine = false;
      return next;
    }
    const kind = this.delimiter(line);
    if (kind === 'open') this.startHeaders();
    else if (kind === 'close') this.state = 'epilogue';
    else if (this.expectDelimiter && line.length > 0) {
      this.expectDelimiter = false;
      this.fail('bad-delimiter', 'the bytes after a Content-Length body are not the boundary; resyncing');
    }
    return next;
  }

  private delimiter(line: Buffer): 'open' | 'close' | undefined {
    if (this.boundaryBytes) return delimiterKind(line, this.boundaryBytes);
    const learnt = learnBoundary(line);
    if (learnt === undefined) return undefined;
    this.setBoundary(learnt);
    return 'open';
  }

  private startHeaders(): void {
    this.state = 'headers';
    this.expectDelimiter = false;
    this.headers = new Map();
    this.lastHeader = undefined;
    this.headerBytes = 0;
  }

  private header(chunk: Buffer, pos: number): number {
    const next = this.line.feed(chunk, pos, this.maxHeader);
    if (this.headerBytes + this.line.total > this.maxHeader) {
      this.line.reset();
      this.fail('headers-too-large', `part header block over ${this.maxHeader} bytes; resyncing`);
      this.resync(next !== -1);
      return next === -1 ? chunk.length : next;
    }
    if (next === -1) return chunk.length;
    this.headerBytes += this.line.total + 1;
    const line = this.line.take();
    if (line.length === 0) {
      this.startBody();
      return next;
    }
    // A delimiter instead of a header: the part was cut short (e.g. a writer restarted); follow it.
    const kind = line[0] === 0x2d ? this.delimiter(line) : undefined;
    if (kind === 'open') this.startHeaders();
    else if (kind === 'close') this.state = 'epilogue';
    else this.lastHeader = addHeaderLine(this.headers, line.toString('latin1'), this.lastHeader);
    return next;
  }

  private startBody(): void {
    const cl = this.headers.get('content-length');
    if (cl !== undefined && !/^\d{1,15}$/.test(cl)) {
      this.fail('bad-content-length', `Content-Length ${JSON.stringify(cl.slice(0, 32))}; searching for the boundary`);
    } else if (cl !== undefined) {
      const n = Number(cl);
      if (n > this.maxPart) {
        this.fail('part-too-large', `Content-Length ${n} over ${this.maxPart} bytes; resyncing`);
        return this.resync(true);
      }
      this.fixed = Buffer.allocUnsafe(n);
      this.filled = 0;
      this.state = 'length-body';
      if (n === 0) this.finishFixed();
      return;
    }
    this.segments.reset();
    this.state = 'scan-body';
  }

  private lengthBody(chunk: Buffer, pos: number): number {
    const body = this.fixed!;
    const take = Math.min(body.length - this.filled, chunk.length - pos);
    chunk.copy(body, this.filled, pos, pos + take);
    this.filled += take;
    if (this.filled === body.length) this.finishFixed();
    return pos + take;
  }

  private finishFixed(): void {
    const body = this.fixed!;
    this.fixed = undefined;
    this.state = 'seek';
    this.expectDelimiter = true;
    this.handlers.onPart({ headers: this.headers, body });
  }

  /** A body without Content-Length ends at `LF--B`, which may straddle two chunks. */
  private scanBody(chunk: Buffer, pos: number): number {
    const needle = this.needle!;
    const seam = this.segments.tail(needle.length - 1);
    if (seam.length > 0) {
      const probe = Buffer.concat([seam, chunk.subarray(pos, pos + needle.length - 1)]);
      const at = probe.indexOf(needle);
      if (at !== -1 && at < seam.length) {
        this.segments.truncate(this.segments.length - seam.length + at);
        this.finishScanned();
        // The delimiter line began in the previous chunk: hand its start to the line reader.
        this.line.feed(probe.subarray(at + 1, seam.length), 0, SEEK_KEEP);
        return pos;
      }
    }
    const at = chunk.indexOf(needle, pos);
    const end = at === -1 ? chunk.length : at;
    if (this.segments.length + (end - pos) > this.maxPart) {
      this.segments.reset();
      this.fail('part-too-large', `part body over ${this.maxPart} bytes without the boundary; resyncing`);
      if (at !== -1)
        this.resync(true); // the delimiter is right here: the next part is kept
      else this.resync(chunk[chunk.length - 1] === 0x0a);
      return at === -1 ? chunk.length : at + 1;
    }
    this.segments.push(chunk.subarray(pos, end));
    if (at === -1) return chunk.length;
    this.finishScanned();
    return at + 1;
  }

  private finishScanned(): void {
    const body = this.segments.finish();
    this.state = 'seek';
    this.expectDelimiter = false;
    this.handlers.onPart({ headers: this.headers, body });
  }

  private resync(atLineStart: boolean): void {
    this.state = 'seek';
    this.expectDelimiter = false;
    this.skipLine = !atLineStart;
    this.fixed = undefined;
    this.segments.reset();
  }

  private fail(code: VideoError['code'], message: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
    this.handlers.onError(videoError(code, message));
  }
}
