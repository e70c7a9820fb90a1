/**
 * Cross-checks the generator's reading of key types and levels against libxkbcommon itself:
 * `xkbcli how-to-type --keysym K` lists every key and modifier set that types keysym K. For a
 * sample of layouts, each keysym on a typing key must sit exactly where resolveKeys put its
 * character (Caps Lock off; Shift = Shift, AltGr = Mod5).
 *
 * how-to-type lists only modifiers a key's type looks at, so a listing also covers the states
 * that add modifiers the type ignores (AltGr on a TWO_LEVEL key).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HID_TO_EVDEV, X_KEYCODE_OFFSET } from '../../../hardware/sim/hid-usage-table.ts';
import { isDeadKeysymName, loadKeysymTable } from '../../../web/tools/xkb/keysyms.ts';
import { parseKeymap } from '../../../web/tools/xkb/keymap.ts';
import { resolveKeys, TYPING_USAGES } from '../../../web/tools/xkb/layout-keys.ts';

const ks = loadKeysymTable();
const usageByKeycode = new Map<number, number>();
for (const u of TYPING_USAGES) usageByKeycode.set(HID_TO_EVDEV[u]! + X_KEYCODE_OFFSET, u);

function xkbArgs(name: string): string[] {
  const [, layout, variant] = /^([^(]+)(?:\((.+)\))?$/.exec(name)!;
  return ['--layout', layout!, '--variant', variant ?? ''];
}

function output(sym: number): string {
  const name = ks.name(sym);
  if (name && isDeadKeysymName(name)) return name;
  const cp = ks.ucs(sym);
  return cp === undefined || cp < 0x20 ? '' : String.fromCodePoint(cp);
}

describe('resolveKeys agrees with xkbcli how-to-type', () => {
  it.each(['us', 'de', 'fr', 'us(intl)', 'ch(fr)', 'fr(bepo)', 'ru', 'gr', 'jp', 'cz', 'ara', 'th'])('%s', (name) => {
    const km = parseKeymap(execFileSync('xkbcli', ['compile-keymap', ...xkbArgs(name)], { encoding: 'utf8' }));
    const resolved = resolveKeys(km, ks);
    const mods = (typeName: string): string[] => km.types.get(typeName.split(' ')[0]!)?.mods ?? [];
    const names = new Set<string>();
    for (const u of TYPING_USAGES) {
      const keyName = [...km.keycodes].find(
        ([n, c]) => c === HID_TO_EVDEV[u]! + X_KEYCODE_OFFSET && km.symbols.has(n),
      )?.[0];
      for (const level of km.symbols.get(keyName ?? '')?.levels ?? []) if (level.length === 1) names.add(level[0]!);
    }
    const listed = new Map<string, string>();
    for (const symName of names) {
      const sym = ks.value(symName);
      if (sym === undefined || output(sym) === '') continue;
      const text = execFileSync('xkbcli', ['how-to-type', ...xkbArgs(name), '--keysym', symName], { encoding: 'utf8' });
      for (const line of text.split('\n')) {
        const m = /^(\d+)\s+\S+\s+1\s+.*\s(\d+)\s+\[ (.*)\]$/.exec(line.trim());
        const usage = m ? usageByKeycode.get(Number(m[1])) : undefined;
        if (!m || usage === undefined) continue;
        const set = m[3]!.split(/\s+/).filter(Boolean);
        if (set.some((x) => x !== 'Shift' && x !== 'Mod5')) continue;
        const state = (set.includes('Shift') ? 1 : 0) | (set.includes('Mod5') ? 2 : 0);
        const typeMods = mods(resolved.keys.get(usage)?.type ?? 'ONE_LEVEL');
        const ignored = (typeMods.includes('Shift') ? 0 : 1) | (typeMods.includes('LevelThree') ? 0 : 2);
        for (let s = 0; s < 4; s++) {
          if ((s & state) !== state || (s & ~state & ~ignored) !== 0) continue;
          if (s & 2 && resolved.level3 === null) continue;
          listed.set(`${usage}/${s}`, output(sym));
        }
      }
    }
    const ours = new Map<string, string>();
    for (const [usage, key] of resolved.keys) key.levels.forEach((o, s) => o !== '' && ours.set(`${usage}/${s}`, o));
    expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(listed));
  });
});
