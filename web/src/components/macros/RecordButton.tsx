import { createSignal, onCleanup, Show } from 'solid-js';
import type { MacroLibrary } from '../../lib/macros/library.ts';
import type { Macro } from '../../lib/macros/model.ts';
import { DEFAULT_TIDY, makeRecorder, tidyDelays, type Recorder } from '../../lib/macros/record.ts';

/** Keys typed into the PWA's own fields are not recorded (nor forwarded: input-forwarding.ts). */
const isOwnTextField = (t: EventTarget | null): boolean =>
  t instanceof HTMLElement &&
  (t.isContentEditable || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT');

/**
 * Records the physical keyboard into a new library macro, with real timings, while the keys
 * still go to the target as usual. Pause (or the Stop button) ends it; the Pause press is not
 * recorded. Delays are then rounded to the chosen step and the edges trimmed.
 */
export function RecordButton(props: { library: MacroLibrary; onRecorded: (m: Macro) => void }) {
  const [recorder, setRecorder] = createSignal<Recorder | null>(null);
  const [count, setCount] = createSignal(0);
  const [quantum, setQuantum] = createSignal(DEFAULT_TIDY.quantumMs);
  let detach: (() => void) | null = null;

  const stop = async (): Promise<void> => {
    const r = recorder();
    if (!r) return;
    detach?.();
    detach = null;
    setRecorder(null);
    const steps = tidyDelays(r.finish(), { ...DEFAULT_TIDY, quantumMs: quantum() });
    if (steps.length === 0) return;
    const when = new Date().toLocaleString();
    const m = await props.library.add({ name: `Recording ${when}`, tags: ['recorded'], repeat: 1, steps });
    if (m) props.onRecorded(m);
  };
  const start = (): void => {
    const r = makeRecorder();
    setCount(0);
    setRecorder(r);
    // Focus leaves the button, so Space or Enter go to the target instead of clicking Stop.
    (document.activeElement as HTMLElement | null)?.blur();
    // A window listener, added and removed here by hand (not a JSX handler), for every key wherever focus is.
    const onKey = (e: KeyboardEvent): void => {
      if (isOwnTextField(e.target)) return;
      const what = e.type === 'keydown' ? r.down(e.code, e.timeStamp, e.repeat) : r.up(e.code, e.timeStamp);
      setCount(r.count);
      if (what === 'stop') void stop();
    };
    window.addEventListener('keydown', onKey, { capture: true });
    window.addEventListener('keyup', onKey, { capture: true });
    // eslint-disable-next-line solid/reactivity -- removes the listeners; nothing reactive is read
    detach = () => {
      window.removeEventListener('keydown', onKey, { capture: true });
      window.removeEventListener('keyup', onKey, { capture: true });
    };
  };
  onCleanup(() => detach?.());

  return (
    <Show
      when={recorder()}
      fallback={
        <span class="macro-record">
          <button data-testid="macro-record" onClick={start}>
            ● Record
          </button>
          <label>
            round delays to{' '}
            <select
              data-testid="macro-quantum"
              value={String(quantum())}
              onChange={(e) => setQuantum(Number(e.currentTarget.value))}
            >
              <option value="1">1 ms</option>
              <option value="10">10 ms</option>
              <option value="50">50 ms</option>
              <option value="100">100 ms</option>
            </select>
          </label>
        </span>
      }
    >
      <span class="macro-recording" data-testid="macro-recording" role="status">
        ● Recording: {count()} key events. Press Pause or{' '}
        <button data-testid="macro-stop" onClick={() => void stop()}>
          Stop
        </button>
      </span>
    </Show>
  );
}
