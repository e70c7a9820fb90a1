/**
 * Errors raised by the simulated target. Every failure carries a stable string `code` so callers
 * (the bridge's dev launcher, tests) can branch without parsing messages.
 */

export type SimErrorCode =
  | 'DISPLAY_IN_USE' // another X server holds the display's lock file
  | 'DISPLAY_FAILED' // Xvfb exited or never became ready
  | 'TERMINAL_FAILED' // xterm or its shell did not come up
  | 'ENDPOINT_FAILED' // a socat pty endpoint did not come up
  | 'X_FAILED' // the X client connection or XTEST failed
  | 'DEPS_MISSING' // required binaries are not installed
  | 'DEPS_INSTALL_FAILED'; // apt-get install failed

export class SimError extends Error {
  override name = 'SimError';
  constructor(
    readonly code: SimErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Formats an unknown thrown value for a log line. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return 'code' in err && err.code ? `${String(err.code)}: ${err.message}` : err.message;
  return String(err);
}
