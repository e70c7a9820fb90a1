/** Errors of the macro library; `code` is stable, `message` is for people. */
export const MACRO_ERROR_CODES = [
  'too-large', // an import file over the size limit (checked before parsing)
  'bad-json', // an import file that is not JSON
  'bad-format', // JSON that is not a webkvm macro export
  'bad-version', // an export of a format version this build does not read
  'invalid', // a macro field out of range (the path names it)
  'no-layout', // a text step, but the target layout is not loaded
  'held-during-text', // a text step while the macro holds keys (the planner starts from all-up)
  'storage', // IndexedDB refused (quota, private mode, blocked upgrade)
  'not-found', // no macro with that id
  'busy', // a macro is already playing
] as const;
export type MacroErrorCode = (typeof MACRO_ERROR_CODES)[number];

export class MacroError extends Error {
  override readonly name = 'MacroError';
  constructor(
    readonly code: MacroErrorCode,
    message: string,
    /** Where in the file or macro, as `macros[2].steps[5].usage` ('' when it is the whole thing). */
    readonly path = '',
  ) {
    super(path ? `${path}: ${message}` : message);
  }
}
