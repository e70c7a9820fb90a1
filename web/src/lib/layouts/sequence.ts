/**
 * Keystrokes → boot keyboard reports (protocol/reports.ts) as batch steps (protocol/hid.ts).
 *
 * Rules, chosen for hosts that read reports literally (BIOSes, the Linux and X input stacks):
 * - A modifier change gets its own report before the key goes down, so no host ever sees the key
 *   first. The level-3 key (AltGr) and Ctrl/Alt go down before Shift: several layouts put
 *   something else on Shift+Right Alt (Multi_key), and Shift first would select it.
 * - Every key press is followed by its release, so the same key can be typed again.
 * - Modifiers stay down across keystrokes that need exactly the same ones ("AB" holds Shift once)
 *   unless a unit asks for a full release (Alt codes and Option+hex commit on Alt/Option up).
 * - The sequence ends with the all-zero report: nothing is left held.
 */
import { MAX_STEP_DELAY_MS, type BatchStep } from '../../../../protocol/hid.ts';
import { isModifierUsage, keyboardReport, Modifier } from '../../../../protocol/reports.ts';

/** Held modifier bits (report byte 0) plus held non-modifier keys (a level-3 key like CapsLock). */
export interface Chord {
  modifiers: number;
  held: readonly number[];
}

export interface Stroke {
  chord: Chord;
  /** HID usage pressed and released under `chord`. */
  usage: number;
}

/** The strokes of one typed character; delays are per unit. */
export interface Unit {
  strokes: readonly Stroke[];
  /** Release everything after the unit (the target acts on modifier release). */
  releaseAfter?: boolean;
}

export interface StepTiming {
  /** Wait after every report, ms (0..10000). */
  reportDelayMs: number;
  /** Extra wait after each unit's last report, ms. */
  charDelayMs: number;
}

export const NO_CHORD: Chord = { modifiers: 0, held: [] };
const SHIFTS = Modifier.LeftShift | Modifier.RightShift;

const sameChord = (a: Chord, b: Chord): boolean =>
  a.modifiers === b.modifiers && a.held.length === b.held.length && a.held.every((u, i) => u === b.held[i]);

/** Chord bits for a modifier usage (0xE0..0xE7) or a plain key held as a modifier. */
export function chordOf(modifiers: number, extra: readonly number[] = []): Chord {
  let m = modifiers;
  const held: number[] = [];
  for (const u of extra) {
    if (isModifierUsage(u)) m |= 1 << (u - 0xe0);
    else if (!held.includes(u)) held.push(u);
  }
  return { modifiers: m, held };
}

export function sequenceToSteps(units: readonly Unit[], timing: StepTiming): BatchStep[] {
  const steps: BatchStep[] = [];
  const delay = Math.min(MAX_STEP_DELAY_MS, Math.max(0, timing.reportDelayMs));
  let cur: Chord = NO_CHORD;
  const emit = (c: Chord, key?: number): void => {
    const keys = key === undefined ? [...c.held] : [...c.held, key];
    steps.push({ device: 'keyboard', report: keyboardReport({ modifiers: c.modifiers, keys }), delayMs: delay });
  };
  const moveTo = (tgt: Chord): void => {
    if (sameChord(cur, tgt)) return;
    const adds = (tgt.modifiers & ~cur.modifiers & ~SHIFTS) !== 0 || tgt.held.some((u) => !cur.held.includes(u));
    // Drop what is not wanted (and Shift too, if something has to go down under it), add the
    // non-Shift part, then Shift.
    const kept = cur.modifiers & tgt.modifiers & (adds ? ~SHIFTS : 0xff);
    const stages: Chord[] = [
      { modifiers: kept, held: cur.held.filter((u) => tgt.held.includes(u)) },
      { modifiers: kept | (tgt.modifiers & ~SHIFTS), held: tgt.held },
      tgt,
    ];
    for (const stage of stages) {
      if (sameChord(cur, stage)) continue;
      emit(stage);
      cur = stage;
    }
  };
  const all = units.flatMap((u, ui) =>
    u.strokes.map((s, si) => ({ s, last: si === u.strokes.length - 1, unit: u, ui })),
  );
  all.forEach(({ s, last, unit }, i) => {
    moveTo(s.chord);
    emit(s.chord, s.usage);
    const next = all[i + 1];
    const keep = next !== undefined && sameChord(next.s.chord, s.chord) && !(last && unit.releaseAfter);
    cur = keep ? s.chord : NO_CHORD;
    emit(cur);
    if (last) steps[steps.length - 1]!.delayMs = Math.min(MAX_STEP_DELAY_MS, delay + Math.max(0, timing.charDelayMs));
  });
  return steps;
}
