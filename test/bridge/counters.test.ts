import { describe, expect, it } from 'vitest';
import { cutLine, makeRateLimitedLog, MAX_LOG_LINE } from '../../bridge/src/counters.ts';

describe('cutLine', () => {
  it('cuts a long line to the fixed length and says how much was left out', () => {
    const line = cutLine('x'.repeat(1024 * 1024));
    expect(line.length).toBeLessThanOrEqual(MAX_LOG_LINE + 10);
    expect(line).toMatch(/\(\d+ more chars\)$/);
  });

  it('replaces control characters so a client cannot forge log lines', () => {
    expect(cutLine('a\nb\r\u001b[31mc')).toBe('a?b??[31mc');
  });

  it('keeps a short line as it is', () => {
    expect(cutLine('client 3: busy')).toBe('client 3: busy');
  });
});

describe('makeRateLimitedLog', () => {
  it('prints 5 lines per key per window, then a count of the rest', () => {
    const out: string[] = [];
    let built = 0;
    const log = makeRateLimitedLog((l) => out.push(l), 60_000, 5);
    for (let i = 0; i < 1000; i++)
      log('k', () => {
        built++;
        return `line ${i}`;
      });
    expect(out).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
    expect(built).toBe(5); // suppressed lines are never built
  });

  it('prints the suppressed count when the next window starts', async () => {
    const out: string[] = [];
    const log = makeRateLimitedLog((l) => out.push(l), 20, 1);
    log('k', 'a');
    log('k', 'b');
    log('k', 'c');
    await new Promise((r) => setTimeout(r, 30));
    log('k', 'd');
    expect(out).toEqual(['a', '(2 more "k" lines suppressed)', 'd']);
  });
});
