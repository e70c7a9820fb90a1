/**
 * Auth errors: a code (the JSON `error` field of the HTTP API, see CONTRACT.md) and the HTTP
 * status it answers with.
 */
export type AuthErrorCode =
  | 'bad-request'
  | 'bad-credentials'
  | 'bad-host'
  | 'busy'
  | 'exists'
  | 'forbidden'
  | 'last-admin'
  | 'method-not-allowed'
  | 'not-found'
  | 'setup-required'
  | 'setup-done'
  | 'setup-token'
  | 'store'
  | 'throttled'
  | 'too-large'
  | 'unauthorized'
  | 'unsupported-media-type';

const STATUS: Record<AuthErrorCode, number> = {
  'bad-request': 400,
  'bad-credentials': 401,
  'bad-host': 403,
  busy: 503,
  exists: 409,
  forbidden: 403,
  'last-admin': 409,
  'method-not-allowed': 405,
  'not-found': 404,
  'setup-required': 403,
  'setup-done': 409,
  'setup-token': 403,
  store: 500,
  throttled: 429,
  'too-large': 413,
  unauthorized: 401,
  'unsupported-media-type': 415,
};

export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly status: number;

  constructor(
    readonly code: AuthErrorCode,
    message: string,
    /** Extra JSON fields for the reply, e.g. `{ retryAfterMs }`. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
