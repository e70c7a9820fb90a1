/**
 * Held-key state for the boot keyboard report: feed it keydown/keyup `KeyboardEvent.code`s, get
 * back the 8-byte report to send (protocol/reports.ts), or null when the report would not change.
 *
 * - Modifiers (usages 0xE0..0xE7) set bit `usage - 0xE0` of byte 0; other keys fill the six
 *   slots in press order, so the host sees keys in the order the user pressed them.
 * - A seventh non-modifier key makes `keyboardReport` send ErrorRollOver (HID 1.11 §C.1) until
 *   enough keys are released; the held set is still tracked exactly, so releases stay correct.
 * - Keys stay down until their keyup (or releaseAll): the target's own typematic repeat does the
 *   repeating, so browser auto-repeat keydowns of a held key are dropped.
 */
import { isModifierUsage, keyboardReport } from '../../../../protocol/reports.ts';
import { hidUsageForCode } from './keycodes.ts';

export interface KeyboardStateMachine {
  /** Key pressed: the report to send, or null (already held, or no page-0x07 usage). */
  down(code: string): Uint8Array | null;
  /** Key released: the report to send, or null if the key was not held. */
  up(code: string): Uint8Array | null;
  /** Forget every held key; returns the all-zero report to send. */
  releaseAll(): Uint8Array;
  /** Codes currently held, in press order (as first reported, so an alias stays an alias). */
  held(): string[];
  /** Keydowns ignored because their code has no Keyboard/Keypad page usage. */
  readonly unknownCount: number;
}

export function makeKeyboardState(): KeyboardStateMachine {
  // Keyed by usage so that a code and its legacy alias (MetaLeft/OSLeft) are one key.
  // Map iteration order is insertion order, which is the press order the report needs.
  const held = new Map<number, string>();
  let unknownCount = 0;

  const report = (): Uint8Array => {
    let modifiers = 0;
    const keys: number[] = [];
    for (const usage of held.keys()) {
      if (isModifierUsage(usage)) modifiers |= 1 << (usage - 0xe0);
      else keys.push(usage);
    }
    return keyboardReport({ modifiers, keys });
  };

  return {
    down(code) {
      const usage = hidUsageForCode(code);
      if (usage === undefined) {
        unknownCount++;
        return null;
      }
      if (held.has(usage)) return null;
      held.set(usage, code);
      return report();
    },
    up(code) {
      const usage = hidUsageForCode(code);
      if (usage === undefined || !held.delete(usage)) return null;
      return report();
    },
    releaseAll() {
      held.clear();
      return report();
    },
    held: () => [...held.values()],
    get unknownCount() {
      return unknownCount;
    },
  };
}
