/**
 * Built-in shortcuts: macros written in code, never stored. "Copy to library" stores an editable
 * copy of `body`. Usages are HID Keyboard/Keypad page IDs (USB HID Usage Tables 1.12 ch. 10).
 *
 * - Linux magic SysRq is Alt + PrintScreen (usage 0x46, which Linux maps to KEY_SYSRQ) + a letter
 *   (kernel Documentation/admin-guide/sysrq.rst). REISUB spaces its letters out so the kernel can
 *   finish each (E and I signal every process; S and U sync and remount).
 * - "At boot" helpers tap a key every 100 ms for 10 s (100 iterations of 50 ms down, 50 ms up),
 *   to catch the short window a BIOS or boot manager listens.
 * - KVM-switch hotkeys are the common vendor sequences: two taps of Scroll Lock, Ctrl or Alt
 *   within about half a second, optionally followed by a port number.
 */
import type { MacroBody, Step } from './model.ts';

export const U = {
  LeftCtrl: 0xe0,
  LeftShift: 0xe1,
  LeftAlt: 0xe2,
  LeftMeta: 0xe3,
  Enter: 0x28,
  Escape: 0x29,
  Backspace: 0x2a,
  Tab: 0x2b,
  F1: 0x3a,
  F2: 0x3b,
  F4: 0x3d,
  F12: 0x45,
  PrintScreen: 0x46,
  ScrollLock: 0x47,
  Delete: 0x4c,
} as const;

/** Letter → usage (a = 0x04). */
const letter = (c: string): number => 0x04 + c.toLowerCase().charCodeAt(0) - 0x61;
/** Digit 1..9, 0 → usage (1 = 0x1e, 0 = 0x27). */
const digit = (n: number): number => (n === 0 ? 0x27 : 0x1d + n);

const HOLD_MS = 50;

/** Press `usages` in order, hold, release in reverse order. */
export function chord(usages: readonly number[], holdMs = HOLD_MS): Step[] {
  return [
    ...usages.map((usage): Step => ({ kind: 'key-down', usage })),
    { kind: 'delay', ms: holdMs },
    ...[...usages].reverse().map((usage): Step => ({ kind: 'key-up', usage })),
  ];
}

const gap = (ms: number): Step => ({ kind: 'delay', ms });

export type BuiltinGroup = 'system' | 'sysrq' | 'boot' | 'kvm-switch';

export interface Builtin {
  id: string;
  group: BuiltinGroup;
  label: string;
  /** Set for shortcuts that can lose the target's work: the question the user must confirm. */
  confirm?: string;
  body: MacroBody;
}

function make(
  id: string,
  group: BuiltinGroup,
  label: string,
  steps: Step[],
  opts: { confirm?: string; repeat?: number } = {},
): Builtin {
  const b: Builtin = {
    id,
    group,
    label,
    body: { name: label, tags: ['built-in', group], repeat: opts.repeat ?? 1, steps },
  };
  if (opts.confirm) b.confirm = opts.confirm;
  return b;
}

const sysrq = (c: string): Step[] => chord([U.LeftAlt, U.PrintScreen, letter(c)], 100);

/** What each SysRq letter does (sysrq.rst), and whether it can lose work. */
const SYSRQ: { key: string; what: string; risky: boolean }[] = [
  { key: 'h', what: 'help (to the kernel log)', risky: false },
  { key: 'w', what: 'show blocked tasks', risky: false },
  { key: 'm', what: 'show memory', risky: false },
  { key: 't', what: 'show tasks', risky: false },
  { key: 's', what: 'sync disks', risky: false },
  { key: 'r', what: 'keyboard out of raw mode', risky: true },
  { key: 'e', what: 'SIGTERM every process', risky: true },
  { key: 'i', what: 'SIGKILL every process', risky: true },
  { key: 'f', what: 'call the OOM killer', risky: true },
  { key: 'u', what: 'remount read-only', risky: true },
  { key: 'b', what: 'reboot now', risky: true },
  { key: 'o', what: 'power off now', risky: true },
];

const REISUB_GAPS_MS: Record<string, number> = { r: 1000, e: 3000, i: 3000, s: 2000, u: 2000, b: 0 };

function reisub(): Step[] {
  return [...'reisub'].flatMap((c) => [...sysrq(c), ...(REISUB_GAPS_MS[c] ? [gap(REISUB_GAPS_MS[c])] : [])]);
}

/** Tap `usage` twice, `gapMs` apart. */
const double = (usage: number, gapMs = 150): Step[] => [...chord([usage]), gap(gapMs), ...chord([usage])];

function buildAll(): Builtin[] {
  const all: Builtin[] = [
    make('ctrl-alt-del', 'system', 'Ctrl+Alt+Del', chord([U.LeftCtrl, U.LeftAlt, U.Delete])),
    make('ctrl-alt-backspace', 'system', 'Ctrl+Alt+Backspace', chord([U.LeftCtrl, U.LeftAlt, U.Backspace])),
    make('alt-tab', 'system', 'Alt+Tab', chord([U.LeftAlt, U.Tab])),
    make('alt-f4', 'system', 'Alt+F4', chord([U.LeftAlt, U.F4])),
    make('meta', 'system', 'Meta (Windows key)', chord([U.LeftMeta])),
    make('print-screen', 'system', 'PrintScreen', chord([U.PrintScreen])),
  ];
  for (let n = 1; n <= 12; n++)
    all.push(make(`ctrl-alt-f${n}`, 'system', `Ctrl+Alt+F${n}`, chord([U.LeftCtrl, U.LeftAlt, U.F1 + n - 1])));
  for (const s of SYSRQ)
    all.push(
      make(
        `sysrq-${s.key}`,
        'sysrq',
        `Alt+SysRq+${s.key.toUpperCase()}: ${s.what}`,
        sysrq(s.key),
        s.risky ? { confirm: `Send Alt+SysRq+${s.key.toUpperCase()} (${s.what}) to the target?` } : {},
      ),
    );
  all.push(
    make('sysrq-reisub', 'sysrq', 'SysRq R-E-I-S-U-B (safe reboot)', reisub(), {
      confirm: 'Send SysRq R, E, I, S, U, B? Every process on the target is killed and it reboots.',
    }),
  );
  for (const [name, usage] of [
    ['F2', U.F2],
    ['Del', U.Delete],
    ['F12', U.F12],
    ['Esc', U.Escape],
  ] as const)
    all.push(
      make(
        `boot-${name.toLowerCase()}`,
        'boot',
        `At boot: ${name} every 100 ms for 10 s`,
        [...chord([usage]), gap(50)],
        {
          repeat: 100,
        },
      ),
    );
  all.push(
    make('kvm-scroll-scroll', 'kvm-switch', 'Scroll Lock, Scroll Lock', double(U.ScrollLock)),
    make('kvm-ctrl-ctrl', 'kvm-switch', 'Ctrl, Ctrl', double(U.LeftCtrl)),
    make('kvm-alt-alt', 'kvm-switch', 'Alt, Alt', double(U.LeftAlt)),
  );
  for (let n = 1; n <= 8; n++) {
    all.push(
      make(`kvm-ctrl-ctrl-${n}`, 'kvm-switch', `Ctrl, Ctrl, ${n}`, [
        ...double(U.LeftCtrl),
        gap(150),
        ...chord([digit(n)]),
      ]),
      make(`kvm-scroll-scroll-${n}`, 'kvm-switch', `Scroll Lock, Scroll Lock, ${n}`, [
        ...double(U.ScrollLock),
        gap(150),
        ...chord([digit(n)]),
      ]),
    );
  }
  return all;
}

export const BUILTINS: readonly Builtin[] = buildAll();

export const BUILTIN_GROUPS: { group: BuiltinGroup; label: string }[] = [
  { group: 'system', label: 'Shortcuts' },
  { group: 'sysrq', label: 'Linux magic SysRq' },
  { group: 'boot', label: 'At boot' },
  { group: 'kvm-switch', label: 'KVM switch' },
];

export function findBuiltin(id: string): Builtin | undefined {
  return BUILTINS.find((b) => b.id === id);
}
