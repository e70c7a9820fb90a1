import { createSignal, onCleanup, type Accessor } from 'solid-js';

/**
 * Date.now() for countdowns: a reactive read that re-runs its computation every `intervalMs`
 * and returns the exact time of the read (not the time of the last tick), so a countdown set
 * just now starts at its full length. The timer stops on cleanup.
 */
export function createNow(intervalMs = 250): Accessor<number> {
  const [tick, setTick] = createSignal(0);
  const timer = setInterval(() => setTick((n) => n + 1), intervalMs);
  onCleanup(() => clearInterval(timer));
  // An accessor: it is meant to be read inside the caller's tracked scopes.
  // eslint-disable-next-line solid/reactivity
  return () => {
    tick();
    return Date.now();
  };
}

/** Whole seconds from `now` until `at` (both ms since epoch), rounded up, never negative. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}
