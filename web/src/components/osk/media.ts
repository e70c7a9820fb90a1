import { createSignal, onCleanup, type Accessor } from 'solid-js';

/** Key heights (px) of the size steps; the settings keep the step index. */
export const OSK_SIZES = [26, 32, 38, 44, 52, 60] as const;

/** A media query's match, live. */
export function useMedia(query: string): Accessor<boolean> {
  const mq = window.matchMedia(query);
  const [matches, setMatches] = createSignal(mq.matches);
  const on = (e: MediaQueryListEvent): void => void setMatches(e.matches);
  mq.addEventListener('change', on);
  onCleanup(() => mq.removeEventListener('change', on));
  return matches;
}
