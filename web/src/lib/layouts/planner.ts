/**
 * Paste planner: text → keyboard report steps for one batch message (protocol/hid.ts) that types
 * the text on a target using `layout`. Pure.
 *
 * - Characters: through keystrokes.ts (Shift, AltGr = the layout's level-3 key, dead-key pairs),
 *   read in the Caps Lock state the target's LED reports.
 * - Line ends: `\n`, `\r\n` and a lone `\r` (old Mac files) each type one Enter (usage 0x28);
 *   `\t` types Tab (0x2B). Other control characters are untypable.
 * - Missing characters: listed in `untypable`, or typed through the OS Unicode entry the user
 *   picked (unicode-input.ts) and listed in `viaUnicodeInput`.
 * - Reports follow sequence.ts: modifiers in their own report first, every key released, nothing
 *   held at the end (the last step is the all-zero report).
 */
import type { BatchStep } from '../../../../protocol/hid.ts';
import { strokesFor } from './keystrokes.ts';
import type { Layout } from './layout.ts';
import { NO_CHORD, sequenceToSteps, type StepTiming, type Unit } from './sequence.ts';
import { NUM_LOCK_USAGE, strokeOn, unicodeInputUnit, type UnicodeFallback } from './unicode-input.ts';

export interface PlanOptions extends StepTiming {
  /** The target's Caps Lock LED is on. */
  capsLock: boolean;
  /** What to do with characters the layout lacks (unicode-input.ts). */
  unicodeFallback: UnicodeFallback;
  /** Use dead-key pairs (default true); off for BIOS setup screens and text consoles. */
  deadKeys?: boolean;
  /** The target's Num Lock LED (default on). When off, Alt codes turn it on, then off again. */
  numLock?: boolean;
}

/**
 * Rate presets, ms. `fast` lets the USB host's polling pace the reports (f_hid takes one report
 * per IN transfer, so nothing is lost at the USB level: 2,000 mixed characters through the gadget
 * on the kernel rig lost no key event, test/bench/paste-gadget.bench.ts). `safe` waits 20 ms per
 * report, for target software that drops fast keys: BIOS setup screens, remote consoles, KVM
 * switches.
 */
export const RATE_PRESETS = {
  safe: { reportDelayMs: 20, charDelayMs: 0 },
  fast: { reportDelayMs: 0, charDelayMs: 0 },
} as const satisfies Record<string, StepTiming>;
export type RatePreset = keyof typeof RATE_PRESETS;
/** The preset a new user gets: the fastest that loses nothing on real hosts. */
export const DEFAULT_RATE: RatePreset = 'fast';

/** Time one report takes on the wire, ms: one interrupt transfer per 1 ms full-speed frame. */
export const REPORT_MS = 1;

/** A character of the input and its UTF-16 index in it. */
export interface CharRef {
  char: string;
  index: number;
}

export interface Plan {
  /** Keyboard report steps; empty for text with nothing to type. */
  steps: BatchStep[];
  untypable: CharRef[];
  viaUnicodeInput: CharRef[];
  /** Characters typed (line ends count once, untypable ones not at all). */
  typed: number;
  /** Σ delays + {@link REPORT_MS} per report, ms. */
  estimatedMs: number;
}

const ENTER = 0x28;
const TAB = 0x2b;

/** Code points of `text` with their index; `\r\n` comes out as one `\n`, a lone `\r` as `\n`. */
export function* charsOf(text: string): Generator<CharRef> {
  for (let i = 0; i < text.length;) {
    const char = String.fromCodePoint(text.codePointAt(i)!);
    if (char === '\r') {
      yield { char: '\n', index: i };
      i += text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    yield { char, index: i };
    i += char.length;
  }
}

const isControl = (cp: number): boolean => cp < 0x20 || (cp >= 0x7f && cp < 0xa0);

type Resolved = { unit: Unit; via: 'layout' | 'unicode' } | undefined;

function resolve(char: string, layout: Layout, opts: PlanOptions): Resolved {
  if (char === '\n' || char === '\t')
    return { unit: { strokes: [{ chord: NO_CHORD, usage: char === '\n' ? ENTER : TAB }] }, via: 'layout' };
  const cp = char.codePointAt(0)!;
  if (isControl(cp)) return undefined;
  const strokes = strokesFor(layout, char, { capsLock: opts.capsLock, deadKeys: opts.deadKeys ?? true });
  if (strokes) return { unit: { strokes: strokes.map((k) => strokeOn(layout, k)) }, via: 'layout' };
  const unit = unicodeInputUnit(cp, opts.unicodeFallback, layout, opts.capsLock);
  return unit ? { unit, via: 'unicode' } : undefined;
}

/** The characters of `text` that `layout` cannot type with these options (nothing is built). */
export function findUntypable(text: string, layout: Layout, opts: PlanOptions): CharRef[] {
  return [...charsOf(text)].filter((c) => resolve(c.char, layout, opts) === undefined);
}

export function planText(text: string, layout: Layout, opts: PlanOptions): Plan {
  const units: Unit[] = [];
  const untypable: CharRef[] = [];
  const viaUnicodeInput: CharRef[] = [];
  const numLockTap: Unit = { strokes: [{ chord: NO_CHORD, usage: NUM_LOCK_USAGE }], releaseAfter: true };
  let toggledNumLock = false;
  for (const c of charsOf(text)) {
    const r = resolve(c.char, layout, opts);
    if (!r) {
      untypable.push(c);
      continue;
    }
    if (r.via === 'unicode') {
      viaUnicodeInput.push(c);
      if (opts.unicodeFallback === 'windows' && opts.numLock === false && !toggledNumLock) {
        units.push(numLockTap);
        toggledNumLock = true;
      }
    }
    units.push(r.unit);
  }
  if (toggledNumLock) units.push(numLockTap);
  const steps = sequenceToSteps(units, opts);
  const estimatedMs = steps.reduce((ms, s) => ms + s.delayMs + REPORT_MS, 0);
  return { steps, untypable, viaUnicodeInput, typed: units.length - (toggledNumLock ? 2 : 0), estimatedMs };
}

/**
 * Splits steps into batches of at most `max` steps (protocol MAX_BATCH_STEPS), cutting only
 * after an all-zero report so no batch ends with a key or modifier down.
 */
export function chunkSteps(steps: readonly BatchStep[], max: number): BatchStep[][] {
  const out: BatchStep[][] = [];
  let start = 0;
  while (start < steps.length) {
    let end = Math.min(steps.length, start + max);
    if (end < steps.length) {
      while (end > start && !steps[end - 1]!.report.every((b) => b === 0)) end--;
      if (end === start) throw new RangeError(`no key-up point within ${max} steps`);
    }
    out.push(steps.slice(start, end));
    start = end;
  }
  return out;
}
