/**
 * Video input errors. Each is a value `{ code, message }`: counted by whoever raised it, logged
 * through a RateLog, and never thrown into the event loop.
 */
export type VideoErrorCode =
  // multipart framing (RFC 2046 §5.1), raised by MultipartParser
  | 'part-too-large' // a body over maxPartBytes; the part is dropped and the parser resyncs
  | 'headers-too-large' // a part's header block over maxHeaderBytes
  | 'bad-content-length' // a Content-Length that is not a decimal integer; the boundary is searched instead
  | 'bad-delimiter' // the bytes after a Content-Length body are not the boundary (the length lied)
  // frames
  | 'not-jpeg' // a part without SOI or without a SOFn size (ITU T.81 Annex B)
  // transports
  | 'bad-config' // an unusable URL or an empty argv
  | 'connect-failed' // the request or the process could not start
  | 'http-status' // the server answered with a status other than 200
  | 'not-multipart' // the server's Content-Type is not multipart/*
  | 'stream-ended' // the connection or the child's stdout closed
  | 'process-exited' // the child exited
  | 'no-frames' // no frame for noSignalAfterMs
  | 'handler-threw'; // a caller's onFrame/onSignal/log threw; caught so the source keeps running

export interface VideoError { code: VideoErrorCode; message: string }

export function videoError(code: VideoErrorCode, message: string): VideoError {
  return { code, message };
}

/** Text for a log line or a signal reason: `code: message`. */
export function describe(err: VideoError): string {
  return `${err.code}: ${err.message}`;
}

/**
 * Logs at most one line per key per `intervalMs` (ms), so a stream of bad parts or a chatty
 * child cannot flood the log; the next line that gets through says how many were suppressed.
 */
export class RateLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly sink: (line: string) => void,
    private readonly intervalMs = 5_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  line(key: string, text: string): void {
    const t = this.now();
    const entry = this.last.get(key);
    if (entry && t - entry.at < this.intervalMs) {
      entry.suppressed++;
      return;
    }
    const note = entry?.suppressed ? ` (${entry.suppressed} similar suppressed)` : '';
    this.last.set(key, { at: t, suppressed: 0 });
    this.sink(text + note);
  }
}
