/**
 * Account rules shared by the bridge (bridge/src/auth, which enforces them) and the PWA
 * (web/src/lib/auth/password-rules.ts, which shows them before anything is sent).
 *
 * Passwords follow NIST SP 800-63B §5.1.1.2: length over composition rules. The bridge's floor is
 * {@link PASSWORD_MIN} (the CLI on the device may set such a password); the PWA asks for
 * {@link PASSWORD_MIN_ASKED}, so passwords chosen in the browser are longer than the floor.
 * Lengths count Unicode code points after NFC normalisation.
 */

/** Lower-case letters, digits, '.', '_' and '-', 1..32 characters, starting with a letter or digit. */
export const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;
/** {@link USER_NAME} in words, for forms and errors. */
export const USER_RULE =
  '1–32 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit';
/** Shortest password the bridge accepts, code points. */
export const PASSWORD_MIN = 8;
/** Shortest password the PWA's forms accept, code points. */
export const PASSWORD_MIN_ASKED = 10;
/** Longest password either accepts, code points. */
export const PASSWORD_MAX = 1024;

/** Password length in code points after NFC, as both ends count it. */
export const passwordLength = (password: string): number => [...password.normalize('NFC')].length;
