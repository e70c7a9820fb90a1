/**
 * Generates the keyboard layout tables of the PWA (web/src/lib/layouts/generated/) from the
 * system's xkb data; nothing in them is typed by hand.
 *
 *   npx tsx web/tools/gen-layouts.ts [--out DIR] [--verbose]
 *
 * Per layout of layout-list.ts: `xkbcli compile-keymap` (libxkbcommon-tools) flattens the
 * xkeyboard-config layout; keymap.ts parses it; layout-keys.ts reads every typing key as a HID
 * usage in eight states; dead-keys.ts joins its dead keys with the X Compose table. Keysyms map to
 * text through keysymdef.h, minus those libX11 types differently (data/libx11-keysyms.json, from
 * calibrate-libx11.ts). Descriptions come from evdev.xml (`xkbcli list`), language and country
 * names from iso-codes. Needs the Debian packages xkb-data, libxkbcommon-tools, x11proto-dev,
 * libx11-data and iso-codes.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CatalogueEntry, GeneratedHeader, LayoutData } from '../src/lib/layouts/layout-data.ts';
import { usageKey } from '../src/lib/layouts/layout-data.ts';
import { layoutFromData } from '../src/lib/layouts/layout.ts';
import { repertoire } from '../src/lib/layouts/keystrokes.ts';
import { fileNameFor, indexTs, layoutModule } from './emit.ts';
import { LAYOUT_CHOICES } from './layout-list.ts';
import { loadCompose } from './xkb/compose.ts';
import { deadKeysFor } from './xkb/dead-keys.ts';
import { GenError } from './xkb/errors.ts';
import { parseKeymap } from './xkb/keymap.ts';
import { loadKeysymTable, readLibx11Calibration } from './xkb/keysyms.ts';
import { resolveKeys } from './xkb/layout-keys.ts';
import { ISO_3166_1, ISO_639_3, loadIsoNames, parseXkbcliList } from './xkb/registry.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_OUT = path.resolve(HERE, '../src/lib/layouts/generated');

// Only the system xkb data: no XKB_DEFAULT_* options, no ~/.config/xkb or ~/.xkb overrides.
const XKB_ENV = {
  PATH: process.env['PATH'] ?? '/usr/bin:/bin',
  HOME: '/nonexistent',
  XDG_CONFIG_HOME: '/nonexistent',
  LC_ALL: 'C',
};

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, {
      env: XKB_ENV,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    throw new GenError('XKBCLI_FAILED', `${cmd} ${args.join(' ')}: ${(err as Error).message}`);
  }
}

function version(pkg: string): string {
  return run('dpkg-query', ['-W', '-f=${Version}', pkg]).trim();
}

/** `xkbcli compile-keymap` for `layout` or `layout(variant)`, evdev rules, pc105, no options. */
function compile(name: string): string {
  const [, layout, variant] = /^([^(]+)(?:\((.+)\))?$/.exec(name) ?? [];
  const args = [
    'compile-keymap',
    '--rules',
    'evdev',
    '--model',
    'pc105',
    '--layout',
    layout!,
    '--variant',
    variant ?? '',
    '--options',
    '',
  ];
  const text = run('xkbcli', args);
  if (!text.includes('xkb_symbols')) throw new GenError('XKBCLI_FAILED', `xkbcli could not compile ${name}`);
  return text;
}

export function generate(outDir: string, log: (line: string) => void = () => {}): { layouts: number; chars: number } {
  const header: GeneratedHeader = {
    generator: 'web/tools/gen-layouts.ts',
    xkbData: version('xkb-data'),
    libxkbcommon: version('libxkbcommon0'),
    libx11Data: version('libx11-data'),
    libx11: readLibx11Calibration().generated.libx11,
    x11protoDev: version('x11proto-dev'),
    notice: 'Generated from xkeyboard-config and the X Compose table. Do not edit.',
  };
  const keysyms = loadKeysymTable();
  const compose = loadCompose(keysyms);
  const registry = parseXkbcliList(run('xkbcli', ['list']));
  const languages = loadIsoNames(ISO_639_3, '639-3', 'alpha_3');
  const countries = loadIsoNames(ISO_3166_1, '3166-1', 'alpha_2');
  fs.mkdirSync(outDir, { recursive: true });
  for (const f of fs.readdirSync(outDir)) if (/\.(ts|json)$/.test(f)) fs.rmSync(path.join(outDir, f));

  const entries: CatalogueEntry[] = [];
  let total = 0;
  for (const choice of LAYOUT_CHOICES) {
    const reg = registry.get(choice.name);
    if (!reg) throw new GenError('UNKNOWN_LAYOUT', `${choice.name} is not in evdev.xml`);
    const resolved = resolveKeys(parseKeymap(compile(choice.name)), keysyms, compose);
    const data: LayoutData = {
      generated: header,
      name: choice.name,
      description: reg.description,
      level3: resolved.level3,
      keys: Object.fromEntries([...resolved.keys].map(([u, k]) => [usageKey(u), k])),
      dead: deadKeysFor(resolved, compose.dead, resolved.warnings),
    };
    fs.writeFileSync(path.join(outDir, fileNameFor(choice.name)), layoutModule(data));
    const chars = repertoire(layoutFromData(data)).length;
    total += chars;
    entries.push({
      name: choice.name,
      description: reg.description,
      group: choice.group,
      languages: reg.iso639.map((c) => languages.get(c) ?? c),
      countries: reg.iso3166.map((c) => countries.get(c) ?? c),
      aliases: choice.aliases ?? [],
      chars,
      deadKeys: Object.keys(data.dead).length,
    });
    const warnings = [...new Set(resolved.warnings)];
    log(
      `${choice.name}: ${chars} characters, ${entries.at(-1)!.deadKeys} dead keys${warnings.length ? `; ${warnings.join('; ')}` : ''}`,
    );
  }
  fs.writeFileSync(path.join(outDir, 'index.ts'), indexTs(header, entries));
  return { layouts: entries.length, chars: total };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const out = args.includes('--out') ? path.resolve(args[args.indexOf('--out') + 1] ?? '') : DEFAULT_OUT;
  const verbose = args.includes('--verbose');
  const { layouts, chars } = generate(out, verbose ? console.log : () => {});
  console.log(`${layouts} layouts, ${chars} characters in all, written to ${path.relative(process.cwd(), out) || '.'}`);
}
