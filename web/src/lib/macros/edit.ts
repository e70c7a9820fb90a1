/**
 * Step editor operations and step labels. Pure: each returns a new array or macro, the input is
 * never changed, and an index out of range returns the input unchanged.
 */
import { codeForHidUsage } from '../input/keycodes.ts';
import { MAX_DELAY_MS, uniqueName, type Macro, type MacroBody, type Step } from './model.ts';

const inRange = (steps: readonly unknown[], i: number): boolean => Number.isInteger(i) && i >= 0 && i < steps.length;

/** Moves step `from` to index `to` (clamped), shifting the ones between. */
export function moveStep(steps: readonly Step[], from: number, to: number): Step[] {
  if (!inRange(steps, from)) return [...steps];
  const out = [...steps];
  const [s] = out.splice(from, 1);
  out.splice(Math.max(0, Math.min(out.length, to)), 0, s!);
  return out;
}

export function deleteStep(steps: readonly Step[], i: number): Step[] {
  return inRange(steps, i) ? steps.filter((_, k) => k !== i) : [...steps];
}

/** Inserts `step` before index `at` (clamped: past the end appends). */
export function insertStep(steps: readonly Step[], at: number, step: Step): Step[] {
  const out = [...steps];
  out.splice(Math.max(0, Math.min(out.length, at)), 0, { ...step });
  return out;
}

/** Puts a copy of step `i` right after it. */
export function duplicateStep(steps: readonly Step[], i: number): Step[] {
  return inRange(steps, i) ? insertStep(steps, i + 1, steps[i]!) : [...steps];
}

/** Sets delay step `i` to `ms`, rounded and clamped to 0..60000; other kinds are left alone. */
export function setDelay(steps: readonly Step[], i: number, ms: number): Step[] {
  const s = steps[i];
  if (!inRange(steps, i) || s?.kind !== 'delay' || !Number.isFinite(ms)) return [...steps];
  const out = [...steps];
  out[i] = { kind: 'delay', ms: Math.min(MAX_DELAY_MS, Math.max(0, Math.round(ms))) };
  return out;
}

/** Replaces step `i` with `step`. */
export function replaceStep(steps: readonly Step[], i: number, step: Step): Step[] {
  if (!inRange(steps, i)) return [...steps];
  const out = [...steps];
  out[i] = { ...step };
  return out;
}

/** A copy of `m` as a new body named `Name (copy)` (or `(copy 2)`…), not in `taken`. */
export function duplicateMacro(m: MacroBody, taken: ReadonlySet<string>): MacroBody {
  return {
    ...structuredClone({ tags: m.tags, steps: m.steps }),
    repeat: m.repeat,
    name: uniqueName(`${m.name} (copy)`, taken),
  };
}

export function renameMacro(m: Macro, name: string): Macro {
  return { ...m, name };
}

/** Short key name for a usage: the `KeyboardEvent.code` without `Key`/`Digit`, or hex. */
export function keyName(usage: number): string {
  const code = codeForHidUsage(usage);
  if (!code) return `0x${usage.toString(16).padStart(2, '0')}`;
  return code.replace(/^Key|^Digit/, '');
}

/** One line describing `s` for the step list. */
export function describeStep(s: Step): string {
  switch (s.kind) {
    case 'key-down':
      return `↓ ${keyName(s.usage)}`;
    case 'key-up':
      return `↑ ${keyName(s.usage)}`;
    case 'delay':
      return `wait ${s.ms} ms`;
    case 'text':
      return `type ${JSON.stringify(s.text.length > 40 ? `${s.text.slice(0, 40)}…` : s.text)}`;
    case 'mouse-move':
      return `move to ${s.x}, ${s.y}`;
    case 'mouse-click':
      return `click ${s.button}`;
  }
}
