/** Errors of the layout tables and planner; `code` is stable, `message` is for people. */
export const LAYOUT_ERROR_CODES = [
  'unknown-layout', // no generated table has this name
  'bad-layout-data', // a table failed validation (corrupt or from an incompatible generator)
] as const;
export type LayoutErrorCode = (typeof LAYOUT_ERROR_CODES)[number];

export class LayoutError extends Error {
  override readonly name = 'LayoutError';
  constructor(
    readonly code: LayoutErrorCode,
    message: string,
  ) {
    super(message);
  }
}
