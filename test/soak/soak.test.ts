import { describe, expect, it } from 'vitest';
import { formatSoak, runSoak } from './soak.ts';

describe('npm run soak (short)', () => {
  it('keeps 8 viewers fed and leaves no key held after a minute of typing and moving', async () => {
    const minutes = Number(process.env.SOAK_MINUTES ?? 1);
    const r = await runSoak({ minutes, display: process.env.SOAK_DISPLAY ?? ':61', log: () => undefined });
    console.log(formatSoak(r));
    expect(r.crashes).toEqual([]);
    expect(r.stuckKeys).toBe(0);
    expect(r.xButtonsMask).toBe(0);
    expect(r.viewers.every((v) => v.frames > minutes * 60 * 5)).toBe(true);
    expect(r.rssEndBytes - r.rssStartBytes).toBeLessThan(32 * 1024 * 1024);
  }, 240_000);
});
