/**
 * Recording from the physical keyboard (or any source of `KeyboardEvent.code`s, such as an
 * on-screen keyboard): key downs and ups with the real time between them, as macro steps.
 *
 * - Times are event timestamps (ms, `KeyboardEvent.timeStamp` or `performance.now()`); the wait
 *   between two events becomes a delay step, rounded to whole ms. Nothing is recorded before the
 *   first key.
 * - Browser auto-repeat keydowns, keys with no Keyboard/Keypad usage, and ups of keys that went
 *   down before recording started are dropped.
 * - The stop chord (default: Pause alone) ends recording when its last key goes down, and its key
 *   downs are taken out of the recording, so playing it back never stops anything.
 * - Keys still held at the stop get their key-up at the end.
 * `tidyDelays` then quantizes and trims the delays.
 */
import { hidUsageForCode } from '../input/keycodes.ts';
import { MAX_DELAY_MS, type Step } from './model.ts';

/** Pause/Break, usage 0x48: rarely meaningful to a target, so a safe stop key. */
export const DEFAULT_STOP_CHORD: readonly number[] = [0x48];

interface KeyEvent {
  kind: 'key-down' | 'key-up';
  usage: number;
  t: number;
}

export interface Recorder {
  /** A keydown; 'stop' when it completed the stop chord (recording is over). */
  down(code: string, t: number, repeat?: boolean): 'recorded' | 'ignored' | 'stop';
  up(code: string, t: number): 'recorded' | 'ignored';
  /** True after the stop chord or {@link Recorder.finish}. */
  readonly stopped: boolean;
  /** Ends recording; the steps with raw delays (ms). */
  finish(): Step[];
  /** Key events recorded so far. */
  readonly count: number;
}

export function makeRecorder(opts: { stopChord?: readonly number[] } = {}): Recorder {
  const chord = opts.stopChord ?? DEFAULT_STOP_CHORD;
  const events: KeyEvent[] = [];
  const held = new Set<number>();
  let stopped = false;

  const steps = (): Step[] => {
    const out: Step[] = [];
    let last: number | undefined;
    for (const e of events) {
      if (last !== undefined) {
        const ms = Math.min(MAX_DELAY_MS, Math.max(0, Math.round(e.t - last)));
        if (ms > 0) out.push({ kind: 'delay', ms });
      }
      last = e.t;
      out.push({ kind: e.kind, usage: e.usage });
    }
    for (const usage of held) out.push({ kind: 'key-up', usage });
    return out;
  };

  return {
    down(code, t, repeat = false) {
      const usage = hidUsageForCode(code);
      if (stopped || repeat || usage === undefined || held.has(usage)) return 'ignored';
      held.add(usage);
      events.push({ kind: 'key-down', usage, t });
      if (chord.length > 0 && chord.includes(usage) && chord.every((u) => held.has(u))) {
        // Take out the chord's presses (the last down of each), and forget those keys.
        for (const u of chord) {
          for (let at = events.length - 1; at >= 0; at--) {
            const e = events[at]!;
            if (e.kind !== 'key-down' || e.usage !== u) continue;
            events.splice(at, 1);
            break;
          }
          held.delete(u);
        }
        stopped = true;
        return 'stop';
      }
      return 'recorded';
    },
    up(code, t) {
      const usage = hidUsageForCode(code);
      if (stopped || usage === undefined || !held.delete(usage)) return 'ignored';
      events.push({ kind: 'key-up', usage, t });
      return 'recorded';
    },
    get stopped() {
      return stopped;
    },
    finish() {
      const out = steps();
      stopped = true;
      held.clear();
      return out;
    },
    get count() {
      return events.length;
    },
  };
}

export interface TidyOptions {
  /** Round every delay to a multiple of this, ms (0 or 1: keep whole ms). */
  quantumMs: number;
  /** Drop delays shorter than this after rounding, ms. */
  minMs: number;
  /** Cap every delay, ms (at most 60000). */
  maxMs: number;
  /** Drop delays before the first and after the last non-delay step. */
  trimEdges: boolean;
}

export const DEFAULT_TIDY: TidyOptions = { quantumMs: 10, minMs: 0, maxMs: 5000, trimEdges: true };

/** Merges adjacent delays, then quantizes, drops, caps and trims them per `o`. Other steps stay. */
export function tidyDelays(steps: readonly Step[], o: TidyOptions): Step[] {
  const merged: Step[] = [];
  for (const s of steps) {
    const prev = merged[merged.length - 1];
    if (s.kind === 'delay' && prev?.kind === 'delay') merged[merged.length - 1] = { kind: 'delay', ms: prev.ms + s.ms };
    else merged.push({ ...s });
  }
  const q = Math.max(1, Math.round(o.quantumMs));
  const cap = Math.min(MAX_DELAY_MS, Math.max(0, o.maxMs));
  const out = merged.flatMap((s): Step[] => {
    if (s.kind !== 'delay') return [s];
    const ms = Math.min(cap, Math.round(s.ms / q) * q);
    return ms <= 0 || ms < o.minMs ? [] : [{ kind: 'delay', ms }];
  });
  if (o.trimEdges) {
    while (out[0]?.kind === 'delay') out.shift();
    while (out[out.length - 1]?.kind === 'delay') out.pop();
  }
  return out;
}
