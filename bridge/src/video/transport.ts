import type { VideoError } from './errors.ts';

/**
 * A byte stream carrying multipart MJPEG: an HTTP response (transport-http.ts) or a child's stdout
 * (transport-command.ts). The supervisor (supervisor.ts) opens one at a time and replaces it when
 * it closes. Sink calls are always asynchronous to open*() and never happen after close().
 */
export interface TransportSink {
  /** The stream is up; `boundary` from the Content-Type, or undefined to learn it from the data. */
  onOpen(boundary: string | undefined, description: string): void;
  /** Raw bytes, in order; the chunk is not reused by the transport. */
  onData(chunk: Buffer): void;
  /** The stream is gone (or never came up), and why; at most once. */
  onClose(err: VideoError): void;
  /** A diagnostic line, e.g. from the child's stderr; `key` groups lines for rate limiting. */
  log(key: string, line: string): void;
}

export interface Transport {
  /** Aborts the request or kills the child. Idempotent. */
  close(): void;
}
