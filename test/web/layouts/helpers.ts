/**
 * Test helpers: readable report strings, and a model target that types from the same layout
 * tables (xkb semantics: Shift and AltGr levels, Caps Lock column, dead key then next key per the
 * Compose data). The model checks the planner's report discipline while it types: a key is never
 * pressed while already down, and the level-3 key never goes down under Shift.
 */
import type { BatchStep } from '../../../protocol/hid.ts';
import { isModifierUsage } from '../../../protocol/reports.ts';
import type { Layout } from '../../../web/src/lib/layouts/layout.ts';

const MOD_NAMES = ['LCtrl', 'LShift', 'LAlt', 'LGui', 'RCtrl', 'RShift', 'RAlt', 'RGui'] as const;
const hex = (u: number): string => `0x${u.toString(16).padStart(2, '0')}`;

/** `RAlt+0x14`, `LShift`, `-` (all up). */
export function describeReport(r: Uint8Array): string {
  const parts = MOD_NAMES.filter((_, bit) => (r[0]! >> bit) & 1) as string[];
  for (const u of r.subarray(2)) if (u !== 0) parts.push(hex(u));
  return parts.length ? parts.join('+') : '-';
}

export const describeSteps = (steps: readonly BatchStep[]): string[] => steps.map((s) => describeReport(s.report));

export interface ModelOptions {
  capsLock: boolean;
}

/** Types `steps` into a model of an X target using `layout`; returns the text and any violations. */
export function typeOnModel(
  steps: readonly BatchStep[],
  layout: Layout,
  opts: ModelOptions,
): { text: string; violations: string[] } {
  let text = '';
  const violations: string[] = [];
  let down = new Set<number>();
  let pendingDead: string | undefined;
  let prevMods = 0;
  const l3 = layout.level3;
  steps.forEach((step, i) => {
    const r = step.report;
    const keys = new Set([...r.subarray(2)].filter((u) => u !== 0));
    const mods = r[0]!;
    const shift = (mods & 0x22) !== 0;
    const l3Held = l3 !== null && (isModifierUsage(l3) ? (mods >> (l3 - 0xe0)) & 1 : keys.has(l3));
    const l3WasHeld = l3 !== null && (isModifierUsage(l3) ? (prevMods >> (l3 - 0xe0)) & 1 : down.has(l3));
    if (l3Held && !l3WasHeld && (prevMods & 0x22) !== 0) violations.push(`step ${i}: level-3 key pressed under Shift`);
    for (const u of keys) {
      if (down.has(u) || u === l3) continue;
      const key = layout.keys.get(u);
      let out = u === 0x28 ? '\n' : u === 0x2b ? '\t' : '';
      if (key) out = (opts.capsLock ? key.caps : key.levels)[(shift ? 1 : 0) + (l3Held ? 2 : 0)]!;
      if (pendingDead !== undefined) {
        const composed = layout.dead[pendingDead]?.[out];
        if (composed === undefined)
          violations.push(`step ${i}: ${pendingDead} + ${JSON.stringify(out)} composes nothing`);
        text += composed ?? '';
        pendingDead = undefined;
      } else if (out.startsWith('dead_')) pendingDead = out;
      else if (out === '') violations.push(`step ${i}: ${hex(u)} types nothing`);
      else text += out;
    }
    down = keys;
    prevMods = mods;
  });
  return { text, violations };
}
