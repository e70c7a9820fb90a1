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

export interface VideoError {
  code: VideoErrorCode;
  message: string;
}

export function videoError(code: VideoErrorCode, message: string): VideoError {
  return { code, message };
}

/** Text for a log line or a signal reason: `code: message`. */
export function describe(err: VideoError): string {
  return `${err.code}: ${err.message}`;
}

/**
 * Logs at most `burst` lines per key in each `intervalMs` window (ms), so a stream of bad parts,
 * a reconnect loop or a chatty child cannot flood the log; the first line of a later window says
 * how many were suppressed. Keys are error codes and a few fixed names, so the map stays small.
 */
export class RateLog {
  private readonly windows = new Map<string, { start: number; lines: number; suppressed: number }>();

  constructor(
    private readonly sink: (line: string) => void,
    private readonly intervalMs = 10_000,
    private readonly burst = 20,
    private readonly now: () => number = () => performance.now(),
  ) {}

  line(key: string, text: string): void {
    const t = this.now();
    let w = this.windows.get(key);
    let note = '';
    if (!w || t - w.start >= this.intervalMs) {
      if (w?.suppressed) note = ` (${w.suppressed} similar lines suppressed)`;
      w = { start: t, lines: 0, suppressed: 0 };
      this.windows.set(key, w);
    }
    if (w.lines >= this.burst) {
      w.suppressed++;
      return;
    }
    w.lines++;
    this.sink(text + note);
  }
}
