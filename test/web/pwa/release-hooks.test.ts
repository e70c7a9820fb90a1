import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addReleaseHook, RELEASE_TIMEOUT_MS, runReleaseHooks } from '../../../web/src/pwa/release-hooks.ts';

describe('release hooks before an update reload', () => {
  const removers: (() => void)[] = [];
  const add = (hook: () => void | Promise<void>): void => void removers.push(addReleaseHook(hook));
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => {
    for (const r of removers.splice(0)) r();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('runs every hook in the order added and awaits each', async () => {
    const order: string[] = [];
    add(() => void order.push('keyboard'));
    add(async () => {
      await new Promise((r) => setTimeout(r, 50));
      order.push('slow');
    });
    add(() => void order.push('last'));
    const done = runReleaseHooks();
    await vi.advanceTimersByTimeAsync(50);
    expect(await done).toBe(3);
    expect(order).toEqual(['keyboard', 'slow', 'last']);
  });

  it('does not let a hook that never settles hold the reload back past the timeout', async () => {
    const after = vi.fn();
    add(() => new Promise<void>(() => {}));
    add(after);
    const done = runReleaseHooks();
    await vi.advanceTimersByTimeAsync(RELEASE_TIMEOUT_MS - 1);
    expect(after).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(await done).toBe(2);
    expect(after).toHaveBeenCalledOnce();
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('socket gone');
      },
    ],
    ['rejects', () => Promise.reject(new Error('socket gone'))],
  ])('runs the other hooks when one %s, and logs it', async (_what, bad) => {
    const after = vi.fn();
    add(bad);
    add(after);
    expect(await runReleaseHooks()).toBe(2);
    expect(after).toHaveBeenCalledOnce();
    expect(console.warn).toHaveBeenCalledWith('release before reload: a hook failed', expect.any(Error));
  });

  it('forgets a removed hook (a disposed input controller)', async () => {
    const hook = vi.fn();
    addReleaseHook(hook)();
    expect(await runReleaseHooks()).toBe(0);
    expect(hook).not.toHaveBeenCalled();
  });
});
