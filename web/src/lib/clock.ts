import { createSignal, onCleanup, type Accessor } from 'solid-js';

/** Date.now() as a signal refreshed every `intervalMs`, for countdowns; stopped on cleanup. */
export function createNow(intervalMs = 250): Accessor<number> {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), intervalMs);
  onCleanup(() => clearInterval(timer));
  return now;
}

/** Whole seconds from `now` until `at` (both ms since epoch), rounded up, never negative. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}
