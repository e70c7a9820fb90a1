/**
 * The links that carry a token in the URL fragment (so it never reaches logs or a Referer):
 * `<origin>/#setup=<token>` from the installer, `<origin>/#login=<token>` from npm start
 * (CONTRACT.md, "Links"). The page reads the token once and strips the fragment.
 */

export type LinkToken = { kind: 'setup' | 'login'; token: string };

/** `#setup=abc` → { kind: 'setup', token: 'abc' }; anything else → null. Tokens are base64url. */
export function parseLinkToken(hash: string): LinkToken | null {
  const m = /^#(setup|login)=([A-Za-z0-9_-]{1,256})$/.exec(hash);
  return m ? { kind: m[1] as LinkToken['kind'], token: m[2]! } : null;
}

/**
 * Reads a link token from `loc.hash` and removes the fragment from the address bar and the
 * history entry (history.replaceState, so Back does not bring it back).
 */
export function takeLinkToken(loc: Location = location, hist: History = history): LinkToken | null {
  const t = parseLinkToken(loc.hash);
  if (t) hist.replaceState(hist.state, '', loc.pathname + loc.search);
  return t;
}
