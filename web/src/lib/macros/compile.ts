/**
 * Macro → bridge batch steps (protocol/hid.ts `BatchStep`). Pure: steps and options in, reports
 * out, so it is tested exhaustively and the player only sends what this returns.
 *
 * Rules:
 * - Key down/up change the boot keyboard report (protocol/reports.ts): modifiers are bits of byte
 *   0, other keys fill the six slots in press order (a seventh held key gives ErrorRollOver, as
 *   HID 1.11 §C.1 asks). A down of a held key or an up of a key not held changes nothing and
 *   writes nothing.
 * - A delay adds to the wait after the step before it. Bridge steps wait at most
 *   {@link WAIT_CHUNK_MS} each (the bridge checks Cancel between steps), so a longer delay
 *   rewrites the current keyboard report, which the host ignores, every chunk. A delay before any
 *   report starts with such a rewrite.
 * - Text goes through the paste planner (layouts/planner.ts) with the given options; it needs
 *   every key up (the planner starts and ends with all keys up) and a loaded layout. Characters
 *   the layout cannot type are skipped and listed in `untypable`.
 * - Mouse move writes the absolute report (x/y 0..32767) with the buttons held; a click writes
 *   press, waits `clickHoldMs`, then release.
 * - Every iteration ends with every key up (a final all-zero keyboard report if anything is
 *   held), so iterations are independent and can be cut between.
 */
import { MAX_STEP_DELAY_MS, type BatchStep } from '../../../../protocol/hid.ts';
import {
  isModifierUsage,
  keyboardReport,
  mouseAbsReport,
  MouseButton,
  RELEASE_KEYBOARD,
} from '../../../../protocol/reports.ts';
import { planText, type Layout, type PlanOptions } from '../layouts/index.ts';
import { MacroError } from './errors.ts';
import type { MouseButtonName, Step } from './model.ts';

/** Longest wait of one bridge step, ms: the Cancel latency of a long delay. */
export const WAIT_CHUNK_MS = Math.min(1000, MAX_STEP_DELAY_MS);
/** Default press-to-release time of a mouse click, ms. */
export const CLICK_HOLD_MS = 50;

export const BUTTON_BITS: Record<MouseButtonName, number> = {
  left: MouseButton.Left,
  right: MouseButton.Right,
  middle: MouseButton.Middle,
  back: MouseButton.Back,
  forward: MouseButton.Forward,
};

export interface CompileOptions {
  /** Target layout for text steps (required only if the macro has some). */
  layout?: Layout | undefined;
  /** Paste planner options for text steps (Caps Lock state, rate, Unicode fallback). */
  text: PlanOptions;
  clickHoldMs?: number;
}

export interface Compiled {
  /** One iteration's reports. */
  steps: BatchStep[];
  /**
   * `idle[k]` is true when nothing is held after `steps[k]` (all keys up, no mouse button):
   * the points where a long macro may be cut into batches.
   */
  idle: boolean[];
  /** Characters of text steps that the layout cannot type (skipped), by macro step index. */
  untypable: { step: number; chars: string[] }[];
  /** One iteration: Σ delays + 1 ms per report (one full-speed USB frame), ms. */
  estimatedMs: number;
}

/**
 * Compiles one iteration of `steps`.
 * @returns the iteration, or a MacroError: 'no-layout' or 'held-during-text' (path `steps[i]`),
 *   'invalid' if it writes nothing at all
 */
export function compileSteps(steps: readonly Step[], opts: CompileOptions): Compiled | MacroError {
  const out: BatchStep[] = [];
  const idle: boolean[] = [];
  const untypable: Compiled['untypable'] = [];
  const keys: number[] = [];
  let modifiers = 0;
  let buttons = 0;
  let x = 0;
  let y = 0;
  const holdMs = Math.min(MAX_STEP_DELAY_MS, Math.max(0, opts.clickHoldMs ?? CLICK_HOLD_MS));
  const allUp = (): boolean => modifiers === 0 && keys.length === 0 && buttons === 0;
  const push = (s: BatchStep, isIdle = allUp()): void => {
    out.push(s);
    idle.push(isIdle);
  };
  const keyboard = (): void => push({ device: 'keyboard', report: keyboardReport({ modifiers, keys }), delayMs: 0 });
  const mouse = (delayMs = 0): void =>
    push({ device: 'mouse', report: mouseAbsReport({ buttons, x, y, wheel: 0, pan: 0 }), delayMs });
  const wait = (ms: number): void => {
    let left = ms;
    while (left > 0) {
      const last = out[out.length - 1];
      if (last && last.delayMs < WAIT_CHUNK_MS) {
        const add = Math.min(WAIT_CHUNK_MS - last.delayMs, left);
        last.delayMs += add;
        left -= add;
      } else keyboard();
    }
  };

  for (const [i, s] of steps.entries()) {
    switch (s.kind) {
      case 'key-down':
        if (isModifierUsage(s.usage)) {
          const bit = 1 << (s.usage - 0xe0);
          if (modifiers & bit) break;
          modifiers |= bit;
        } else {
          if (keys.includes(s.usage)) break;
          keys.push(s.usage);
        }
        keyboard();
        break;
      case 'key-up':
        if (isModifierUsage(s.usage)) {
          const bit = 1 << (s.usage - 0xe0);
          if (!(modifiers & bit)) break;
          modifiers &= ~bit;
        } else {
          const at = keys.indexOf(s.usage);
          if (at < 0) break;
          keys.splice(at, 1);
        }
        keyboard();
        break;
      case 'delay':
        wait(Math.max(0, s.ms));
        break;
      case 'text': {
        if (s.text === '') break;
        if (modifiers !== 0 || keys.length > 0)
          return new MacroError('held-during-text', 'release every key before a text step', `steps[${i}]`);
        if (!opts.layout) return new MacroError('no-layout', 'the target layout is not loaded', `steps[${i}]`);
        const plan = planText(s.text, opts.layout, opts.text);
        if (plan.untypable.length > 0)
          untypable.push({ step: i, chars: [...new Set(plan.untypable.map((c) => c.char))] });
        // The planner's reports only touch the keyboard; its last one is all-zero.
        plan.steps.forEach((p, k) => push({ ...p }, k === plan.steps.length - 1 && buttons === 0));
        break;
      }
      case 'mouse-move':
        x = s.x;
        y = s.y;
        mouse();
        break;
      case 'mouse-click':
        buttons |= BUTTON_BITS[s.button];
        mouse(holdMs);
        buttons &= ~BUTTON_BITS[s.button];
        mouse();
        break;
    }
  }
  if (modifiers !== 0 || keys.length > 0) {
    modifiers = 0;
    keys.length = 0;
    push({ device: 'keyboard', report: Uint8Array.from(RELEASE_KEYBOARD), delayMs: 0 });
  }
  if (out.length === 0) return new MacroError('invalid', 'the macro writes no report', 'steps');
  const estimatedMs = out.reduce((ms, s) => ms + s.delayMs + 1, 0);
  return { steps: out, idle, untypable, estimatedMs };
}

/** Most delay one batch carries, ms: well inside the bridge's `limits.maxBatchMs` (default 600 s). */
export const MAX_BATCH_MS = 120_000;

/**
 * Cuts `repeat` iterations of `c` into batches of at most `max` steps (protocol MAX_BATCH_STEPS)
 * and `maxMs` of delays, each ending at an idle point, so the bridge's release at the end of a
 * batch releases nothing the macro still holds. Lazy: `'until-stopped'` never ends, and a large
 * count is never built at once.
 * @throws MacroError 'invalid' if an iteration holds a key for more than `max` steps or `maxMs`
 */
export function* batchesOf(
  c: Compiled,
  repeat: number | 'until-stopped',
  max: number,
  maxMs = MAX_BATCH_MS,
): Generator<BatchStep[]> {
  let run = 0;
  let runMs = 0;
  for (let k = 0; k < c.idle.length; k++) {
    run++;
    runMs += c.steps[k]!.delayMs;
    if (run > max || runMs > maxMs)
      throw new MacroError('invalid', `keys stay held for more than ${max} reports or ${maxMs} ms`, 'steps');
    if (c.idle[k]) run = runMs = 0;
  }
  const n = c.steps.length;
  let pos = 0; // index into the endless sequence of iterations
  const end = repeat === 'until-stopped' ? Infinity : repeat * n;
  while (pos < end) {
    // The furthest point within both limits, then back to the last idle point before it.
    let limit = pos;
    let ms = 0;
    while (limit < end && limit - pos < max && ms + c.steps[limit % n]!.delayMs <= maxMs)
      ms += c.steps[limit++ % n]!.delayMs;
    let cut = limit;
    if (limit < end) while (cut > pos && !c.idle[(cut - 1) % n]) cut--;
    const batch: BatchStep[] = [];
    for (let p = pos; p < cut; p++) {
      const s = c.steps[p % n]!;
      batch.push({ device: s.device, report: s.report, delayMs: s.delayMs });
    }
    yield batch;
    pos = cut;
  }
}
