/**
 * The on-screen keyboard's key handling, apart from its drawing: pointers to key presses on the
 * one input controller (source `on-screen-keyboard`), with the sticky modifiers of
 * lib/osk/modifiers.ts. Each pointer (finger) holds one key; two fingers on two keys hold both.
 *
 * Auto-repeat: a key is held on the target as long as the finger stays on it, exactly like a
 * physical USB keyboard, which never repeats in its reports: the target's own typematic (its
 * delay and rate, e.g. X's 660/25 or Windows' 500 ms/~33 ms) repeats it. Sending repeated
 * down/up pairs from here as well would double the repeat (and repeats would arrive in bursts
 * over a jittery network).
 */
import { isModifierUsage } from '../../../../protocol/index.ts';
import { systemClock, type ControllerClock, type InputController } from '../../lib/input/controller.ts';
import { makeModifiers, type Modifiers } from '../../lib/osk/modifiers.ts';

export const OSK_SOURCE = 'on-screen-keyboard' as const;

export interface OskInput {
  mods: Modifiers;
  /** A pointer went down on the key with HID usage `usage`. */
  down(pointerId: number, usage: number): void;
  /** That pointer went up or was cancelled (idempotent). */
  up(pointerId: number): void;
  /** True while some pointer holds `usage` (for the pressed look). */
  holds(usage: number): boolean;
  /** Lets go of everything this keyboard pressed, e.g. when it is closed. */
  releaseAll(): void;
  dispose(): void;
}

export function makeOskInput(
  controller: InputController,
  onChange: () => void,
  clock: ControllerClock = systemClock,
): OskInput {
  const pointers = new Map<number, number>();
  const holders = (usage: number): number => [...pointers.values()].filter((u) => u === usage).length;
  const mods = makeModifiers({
    press: (u) => void controller.keyDown(u, OSK_SOURCE),
    release: (u) => controller.keyUp(u, OSK_SOURCE),
    clock,
    onChange,
  });
  // blur, hidden page, disconnect, control lost, source switch: the controller let go of
  // everything on the target, so the latches and held keys here are forgotten too.
  const stop = controller.onRelease(() => {
    pointers.clear();
    mods.reset();
  });
  const input: OskInput = {
    mods,
    down(id, usage) {
      if (pointers.has(id)) return;
      if (isModifierUsage(usage)) {
        pointers.set(id, usage);
        mods.modDown(usage);
        return;
      }
      if (!controller.admit(true)) return;
      const first = holders(usage) === 0;
      pointers.set(id, usage);
      if (first) {
        mods.keyDown(usage);
        controller.keyDown(usage, OSK_SOURCE);
      }
      onChange();
    },
    up(id) {
      const usage = pointers.get(id);
      if (usage === undefined) return;
      pointers.delete(id);
      if (isModifierUsage(usage)) return mods.modUp(usage);
      if (holders(usage) > 0) return;
      controller.keyUp(usage, OSK_SOURCE);
      mods.keyUp(usage);
      onChange();
    },
    holds: (usage) => holders(usage) > 0,
    releaseAll() {
      for (const id of [...pointers.keys()]) input.up(id);
      mods.releaseAll();
    },
    dispose() {
      input.releaseAll();
      stop();
    },
  };
  return input;
}
