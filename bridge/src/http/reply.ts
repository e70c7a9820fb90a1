import { STATUS_CODES } from 'node:http';
import type * as uWS from 'uWebSockets.js';
import { writeHeaders } from './headers.ts';

export function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
}

/**
 * One HTTP response, safe to finish after an await: tracks onAborted (uWS requires a handler
 * whenever the reply is not sent synchronously, and the response must not be touched after it
 * fires), corks the write, writes the security headers, and omits the body for HEAD.
 */
export class Reply {
  aborted = false;
  done = false;
  private readonly abortHandlers: (() => void)[] = [];

  constructor(
    readonly res: uWS.HttpResponse,
    readonly method: string,
    private readonly headers: readonly (readonly [string, string])[],
  ) {
    res.onAborted(() => {
      this.aborted = true;
      for (const cb of this.abortHandlers) cb();
    });
  }

  onAborted(cb: () => void): void {
    this.abortHandlers.push(cb);
  }

  /** True while the response can still be written. */
  get open(): boolean {
    return !this.aborted && !this.done;
  }

  send(
    status: number,
    body: string | Buffer,
    type: string,
    extra: readonly (readonly [string, string])[] = [],
    closeConnection = false,
  ): void {
    if (!this.open) return;
    this.done = true;
    this.res.cork(() => {
      this.res.writeStatus(statusLine(status));
      writeHeaders(this.res, this.headers);
      if (type) this.res.writeHeader('content-type', type);
      writeHeaders(this.res, extra);
      if (this.method === 'head') this.res.endWithoutBody(Buffer.byteLength(body), closeConnection);
      else this.res.end(body, closeConnection);
    });
  }

  /** `closeConnection`: end the TCP connection too (after refusing a body mid-upload). */
  json(
    status: number,
    body: unknown,
    extra: readonly (readonly [string, string])[] = [],
    closeConnection = false,
  ): void {
    this.send(
      status,
      JSON.stringify(body),
      'application/json',
      [['cache-control', 'no-store'], ...extra],
      closeConnection,
    );
  }

  /** 204 and friends: no body, no content type. */
  empty(status: number, extra: readonly (readonly [string, string])[] = []): void {
    if (!this.open) return;
    this.done = true;
    this.res.cork(() => {
      this.res.writeStatus(statusLine(status));
      writeHeaders(this.res, this.headers);
      writeHeaders(this.res, [['cache-control', 'no-store'], ...extra]);
      // No argument: no Content-Length (RFC 9110 §8.6 forbids one on a 204).
      this.res.endWithoutBody();
    });
  }

  /** `{ error, message, ...extra }` with the given status. */
  error(
    status: number,
    code: string,
    message: string,
    fields: Record<string, unknown> = {},
    extra: readonly (readonly [string, string])[] = [],
  ): void {
    this.json(status, { error: code, message, ...fields }, extra);
  }
}
