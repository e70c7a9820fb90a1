import { arity, str } from './fields.ts';
import { isErrorCode, type ErrorCode } from './errors.ts';

export const ErrorTag = { error: 0x7f } as const;

/** Wire: `[0x7f, code, message]`: code from ERROR_CODES, message human-readable (≤ 512 chars). */
export interface ErrorMsg {
  type: 'error';
  code: ErrorCode;
  message: string;
}

export function errorToWire(m: ErrorMsg): unknown[] {
  return [ErrorTag.error, m.code, m.message.slice(0, 512)];
}

export function errorFromWire(tag: number, w: readonly unknown[]): ErrorMsg | undefined {
  if (tag !== ErrorTag.error) return undefined;
  arity(w, 'error', 2);
  const code = str(w[1], 'error.code', 32);
  // An unknown code from a newer peer is kept visible rather than dropped.
  return { type: 'error', code: isErrorCode(code) ? code : 'internal', message: str(w[2], 'error.message', 512) };
}
