/**
 * The macro model: what the library stores, the step editor edits, the compiler turns into
 * batch steps (protocol/hid.ts) and the JSON export carries. Plain data, no methods, so a macro
 * round-trips through IndexedDB's structured clone and JSON unchanged.
 */
import { ABS_MAX } from '../../../../protocol/reports.ts';

/** Longest delay step, ms (one minute; the compiler splits it into bridge-sized waits). */
export const MAX_DELAY_MS = 60_000;
/** Most times a macro may repeat (loop-until-stopped is `'until-stopped'`). */
export const MAX_REPEAT = 10_000;
/** Most steps one macro may hold. */
export const MAX_STEPS = 20_000;
/** Longest text step, UTF-16 code units. */
export const MAX_TEXT = 20_000;
export const MAX_NAME = 120;
export const MAX_TAGS = 16;
export const MAX_TAG = 40;
export { ABS_MAX };

/**
 * True for the usage IDs the USB HID Usage Tables 1.12 (chapter 10, Keyboard/Keypad page 0x07)
 * define as keys: 0x04..0xA4, 0xB0..0xDD and the modifiers 0xE0..0xE7. 0x00..0x03 are error
 * codes, 0xA5..0xAF, 0xDE..0xDF and 0xE8..0xFF are reserved.
 */
export function isKnownUsage(usage: number): boolean {
  return (
    Number.isInteger(usage) &&
    ((usage >= 0x04 && usage <= 0xa4) || (usage >= 0xb0 && usage <= 0xdd) || (usage >= 0xe0 && usage <= 0xe7))
  );
}

export const MOUSE_BUTTONS = ['left', 'right', 'middle', 'back', 'forward'] as const;
export type MouseButtonName = (typeof MOUSE_BUTTONS)[number];

/** A step of a macro. Usages are HID usage IDs on page 0x07; x/y are absolute 0..32767. */
export type Step =
  | { kind: 'key-down'; usage: number }
  | { kind: 'key-up'; usage: number }
  /** Wait, ms, 0..{@link MAX_DELAY_MS}. */
  | { kind: 'delay'; ms: number }
  /** Typed through the target layout with the paste planner (layouts/planner.ts). */
  | { kind: 'text'; text: string }
  | { kind: 'mouse-move'; x: number; y: number }
  /** Press and release `button` where the pointer is. */
  | { kind: 'mouse-click'; button: MouseButtonName };

export type StepKind = Step['kind'];
export const STEP_KINDS = [
  'key-down',
  'key-up',
  'delay',
  'text',
  'mouse-move',
  'mouse-click',
] as const satisfies readonly StepKind[];

/** How often a macro plays: `n` times in a row (1..{@link MAX_REPEAT}), or until the user stops it. */
export type Repeat = number | 'until-stopped';

export interface Macro {
  /** Random id, unique in the library (not in the export: an import gets fresh ids). */
  id: string;
  name: string;
  tags: string[];
  steps: Step[];
  repeat: Repeat;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
}

/** A macro without its library identity: what an export file and the built-ins carry. */
export type MacroBody = Pick<Macro, 'name' | 'tags' | 'steps' | 'repeat'>;

export function newId(): string {
  return crypto.randomUUID();
}

/** A new library row for `body`, stamped `now` (epoch ms). */
export function toMacro(body: MacroBody, now: number, id = newId()): Macro {
  return {
    id,
    name: body.name,
    tags: [...body.tags],
    steps: body.steps.map((s) => ({ ...s })),
    repeat: body.repeat,
    createdAt: now,
    updatedAt: now,
  };
}

/** `name`, or `name (2)`, `name (3)`… whichever is not in `taken`. */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) if (!taken.has(`${name} (${n})`)) return `${name} (${n})`;
}
