/**
 * The rules the PWA shows and checks before it sends a new user or password. The bridge checks
 * again (bridge/src/auth: user names `^[a-z0-9][a-z0-9._-]{0,31}$`, passwords 8..1024
 * characters); the PWA asks for at least 10 (NIST SP 800-63B §5.1.1.2 sets 8 as the floor and
 * favours length over composition rules, so there are no "one digit, one symbol" rules).
 */

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 1024;
export const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;

export const USER_RULE =
  '1–32 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit';
export const PASSWORD_RULE = `at least ${PASSWORD_MIN} characters (a few words make a good one); not your user name`;

/** Problems with a proposed user name, in words ([] if fine). */
export function userNameProblems(user: string): string[] {
  return USER_NAME.test(user) ? [] : [`User name: ${USER_RULE}.`];
}

/** Problems with a proposed password and its confirmation, in words ([] if fine). */
export function passwordProblems(password: string, confirm: string, user: string): string[] {
  const n = [...password.normalize('NFC')].length;
  const out: string[] = [];
  if (n < PASSWORD_MIN) out.push(`Password: at least ${PASSWORD_MIN} characters (${n} so far).`);
  if (n > PASSWORD_MAX) out.push(`Password: at most ${PASSWORD_MAX} characters.`);
  if (user && password.toLowerCase() === user.toLowerCase()) out.push('Password: must not be the user name.');
  if (password !== confirm) out.push('The two passwords differ.');
  return out;
}
