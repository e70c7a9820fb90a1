/**
 * The rules the PWA shows and checks before it sends a new user or password: the shared ones in
 * protocol/accounts.ts, which the bridge enforces again. The PWA asks for PASSWORD_MIN_ASKED (10)
 * code points, above the bridge's floor of 8; there are no "one digit, one symbol" rules
 * (NIST SP 800-63B §5.1.1.2).
 */
import {
  PASSWORD_MAX,
  PASSWORD_MIN_ASKED as PASSWORD_MIN,
  passwordLength,
  USER_NAME,
  USER_RULE,
} from '../../../../protocol/accounts.ts';

export { PASSWORD_MAX, PASSWORD_MIN, USER_NAME, USER_RULE };
export const PASSWORD_RULE = `at least ${PASSWORD_MIN} characters (a few words make a good one); not your user name`;

/** Problems with a proposed user name, in words ([] if fine). */
export function userNameProblems(user: string): string[] {
  return USER_NAME.test(user) ? [] : [`User name: ${USER_RULE}.`];
}

/** Problems with a proposed password and its confirmation, in words ([] if fine). */
export function passwordProblems(password: string, confirm: string, user: string): string[] {
  const n = passwordLength(password);
  const out: string[] = [];
  if (n < PASSWORD_MIN) out.push(`Password: at least ${PASSWORD_MIN} characters (${n} so far).`);
  if (n > PASSWORD_MAX) out.push(`Password: at most ${PASSWORD_MAX} characters.`);
  if (user && password.toLowerCase() === user.toLowerCase()) out.push('Password: must not be the user name.');
  if (password !== confirm) out.push('The two passwords differ.');
  return out;
}
