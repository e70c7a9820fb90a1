import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OneTimeTokens, SetupToken, writeSetupToken } from '../../../bridge/src/auth/onetime.ts';
import { makeAuthDir } from '../../../bridge/src/auth/testing.ts';

const HOUR = 60 * 60 * 1000;
const dirs: { cleanup(): void }[] = [];
beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  dirs.splice(0).forEach((d) => d.cleanup());
});

describe('one-time login tokens', () => {
  it('work once', () => {
    const t = new OneTimeTokens();
    const token = t.mint('local');
    expect(t.take(token)).toBe('local');
    expect(t.take(token)).toBeUndefined();
  });

  it('expire after 1 h', () => {
    const t = new OneTimeTokens();
    const early = t.mint('local');
    const late = t.mint('local');
    vi.advanceTimersByTime(HOUR - 1);
    expect(t.take(early)).toBe('local');
    vi.advanceTimersByTime(1);
    expect(t.take(late)).toBeUndefined();
  });

  it.each([undefined, '', 'nope', 7])('refuse %j', (v) => {
    expect(new OneTimeTokens().take(v)).toBeUndefined();
  });
});

describe('setup token file', () => {
  const setup = () => {
    const d = makeAuthDir();
    dirs.push(d);
    const path = `${d.dir}/setup-token.json`;
    return { path, st: new SetupToken(path) };
  };

  it('accepts the current token once, then the file is gone', () => {
    const { path, st } = setup();
    const { token } = writeSetupToken(path);
    st.claim(token);
    expect(() => st.claim(token)).toThrow(/being used/);
    st.consume();
    expect(st.present()).toBe(false);
    expect(() => st.claim(token)).toThrow(/no setup link is active/);
  });

  it('can be retried after a failure that did not use it (release)', () => {
    const { path, st } = setup();
    const { token } = writeSetupToken(path);
    st.claim(token);
    st.release();
    expect(() => st.claim(token)).not.toThrow();
  });

  it('expires after 1 h', () => {
    const { path, st } = setup();
    const { token } = writeSetupToken(path);
    vi.advanceTimersByTime(HOUR);
    expect(() => st.claim(token)).toThrow(/expired/);
  });

  it('refuses an old token once a new one was made, and a malformed file', () => {
    const { path, st } = setup();
    const old = writeSetupToken(path).token;
    writeSetupToken(path);
    expect(() => st.claim(old)).toThrow(/not the current one/);
    writeFileSync(path, '{"hash": 3}');
    expect(() => st.claim(old)).toThrow(/malformed/);
  });
});
