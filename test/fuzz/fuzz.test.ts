import { describe, expect, it } from 'vitest';
import { formatReport, runFuzz } from './fuzz.ts';

describe('npm run fuzz --short', () => {
  it('leaves the bridge alive, answering, unstalled and lean after 20 000 hostile messages', async () => {
    const r = await runFuzz({ messages: 20_000, timeCapMs: 45_000, seed: 1, log: () => undefined });
    console.log(formatReport(r));
    expect(r.crashes).toEqual([]);
    expect(r.messages).toBeGreaterThanOrEqual(20_000);
    expect(r.tally.unanswered).toBe(0);
    expect(r.busyStallMaxMs).toBeLessThan(50);
    expect(r.heldAtEnd).toEqual([]);
    expect(r.rssAfterBytes - r.rssBeforeBytes).toBeLessThan(48 * 1024 * 1024);
  });
});
