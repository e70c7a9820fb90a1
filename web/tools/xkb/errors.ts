/** Errors of the layout generator; `code` says which input was wrong. */
export type GenErrorCode =
  | 'KEYMAP_SYNTAX' // xkbcli's output did not parse
  | 'KEYMAP_MISSING' // a section, type or key the keymap must have is absent
  | 'XKBCLI_FAILED' // xkbcli exited non-zero (unknown layout or variant)
  | 'COMPOSE_SYNTAX' // a Compose line did not parse
  | 'UNKNOWN_LAYOUT' // a layout of the list is not in evdev.xml
  | 'DATA_MISSING'; // a system data file (headers, Compose, iso-codes) is not installed

export class GenError extends Error {
  override readonly name = 'GenError';
  constructor(
    readonly code: GenErrorCode,
    message: string,
  ) {
    super(message);
  }
}
