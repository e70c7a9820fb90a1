/**
 * Measures which keysyms libX11 turns into a different character than keysymdef.h says, and
 * writes them to web/tools/data/libx11-keysyms.json for gen-layouts.ts. Needs an X server, so it
 * is a separate step, run when libx11 changes:
 *
 *   npx tsx web/tools/calibrate-libx11.ts     (Debian: xvfb x11-utils x11-xserver-utils)
 *
 * Why: X clients get text from libX11 (XmbLookupString / Xutf8LookupString, KeySymToUcs4 in
 * modules/im/ximcp/imKStoUCS.c), whose legacy tables predate some keysymdef.h comments:
 * `approximate` (0x8C8) is U+223C in keysymdef.h but libX11 types U+2245, `leftradical` (0x8A1)
 * types nothing, and the non-canonical 0x010000A9 types U+FFFD. Wayland clients (libxkbcommon)
 * follow keysymdef.h. The generator leaves such keysyms untypable, right for both.
 *
 * How: on a private Xvfb (CALIBRATE_DISPLAY, default :151), with the modifier map cleared, each
 * keysym is bound to a keycode with xmodmap and pressed through XTEST; `xev` (C.UTF-8, so the
 * local input method and the en_US.UTF-8 Compose table, like xterm) prints the bytes
 * XmbLookupString returns.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startXvfb } from '../../hardware/sim/display.ts';
import { openXInput } from '../../hardware/sim/x-input.ts';
import { loadCompose } from './xkb/compose.ts';
import { KEYSYM_HEADERS, makeKeysymTable, parseKeysymHeader } from './xkb/keysyms.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CALIBRATION_FILE = path.join(HERE, 'data/libx11-keysyms.json');
const FIRST_KEYCODE = 10;
const KEYS_PER_ROUND = 230;

/** Keysyms whose text we predict: legacy ones keysymdef.h maps exactly, and 0x01000020..0x010000FF. */
function candidates(): Map<number, number> {
  const out = new Map<number, number>();
  for (const file of KEYSYM_HEADERS) {
    for (const [value, cp] of parseKeysymHeader(fs.readFileSync(file, 'utf8')).ucs)
      if (value >= 0x100 && value < 0xff00) out.set(value, cp);
  }
  for (let cp = 0x20; cp <= 0xff; cp++) if (cp < 0x7f || cp >= 0xa0) out.set(0x01000000 + cp, cp);
  return out;
}

/** KeyPress blocks of xev output → keysym value → text (decoded from the printed bytes). */
function parseXev(out: string): Map<number, string> {
  const typed = new Map<number, string>();
  for (const block of out.split(/\n(?=\S)/)) {
    if (!block.startsWith('KeyPress')) continue;
    const sym = /\(keysym 0x([0-9a-f]+),/.exec(block);
    const mb = /XmbLookupString gives (\d+) bytes:(?: \(([0-9a-f ]*)\))?/.exec(block);
    if (!sym || !mb) continue;
    const bytes = (mb[2] ?? '')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((h) => parseInt(h, 16));
    typed.set(
      parseInt(sym[1]!, 16),
      /XFilterEvent returns: True/.test(block) ? '' : Buffer.from(bytes).toString('utf8'),
    );
  }
  return typed;
}

async function calibrate(display: string): Promise<Record<string, string>> {
  const xvfb = await startXvfb({ display, width: 640, height: 480, log: (l) => console.error(l) });
  const env = { ...process.env, DISPLAY: display, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' };
  const xev = spawn('xev', ['-geometry', '600x440+0+0', '-event', 'keyboard'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  xev.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const x = await openXInput(display, (l) => console.error(l));
  try {
    await sleep(500);
    x.perform([{ kind: 'motion-abs', x: 100, y: 100 }]); // no window manager: focus follows the pointer
    const mods = ['shift', 'lock', 'control', 'mod1', 'mod2', 'mod3', 'mod4', 'mod5'].map((m) => `clear ${m}`);
    execFileSync('xmodmap', ['-'], { env, input: mods.join('\n') });
    // Compose starters would swallow the next key; the generator handles them from Compose.
    const starters = loadCompose(makeKeysymTable(KEYSYM_HEADERS.map((f) => fs.readFileSync(f, 'utf8')))).starters;
    const expected = [...candidates()].filter(([v]) => !starters.has(v));
    const differs: Record<string, string> = {};
    for (let i = 0; i < expected.length; i += KEYS_PER_ROUND) {
      const round = expected.slice(i, i + KEYS_PER_ROUND);
      // The keysym twice: alone, X would pair an upper-case keysym with its lower case.
      const lines = round.map(([v], k) => `keycode ${FIRST_KEYCODE + k} = 0x${v.toString(16)} 0x${v.toString(16)}`);
      execFileSync('xmodmap', ['-'], { env, input: lines.join('\n') });
      await sleep(300); // let xev see MappingNotify and refresh its keymap
      out = '';
      for (let k = 0; k < round.length; k++) {
        x.perform([
          { kind: 'key', keycode: FIRST_KEYCODE + k, down: true },
          { kind: 'key', keycode: FIRST_KEYCODE + k, down: false },
        ]);
      }
      await x.ledMask();
      const deadline = Date.now() + 10_000;
      while (parseXev(out).size < round.length && Date.now() < deadline) await sleep(100);
      const typed = parseXev(out);
      for (const [value, cp] of round) {
        const text = typed.get(value);
        if (text === undefined) throw new Error(`xev saw no key press for keysym 0x${value.toString(16)}`);
        if (text !== String.fromCodePoint(cp)) differs[`0x${value.toString(16).padStart(4, '0')}`] = text;
      }
    }
    return differs;
  } finally {
    await x.close();
    xev.kill();
    await xvfb.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const display = process.env['CALIBRATE_DISPLAY'] ?? ':151';
  const differs = await calibrate(display);
  const version = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'libx11-6'], { encoding: 'utf8' }).trim();
  const data = {
    generated: { generator: 'web/tools/calibrate-libx11.ts', libx11: version, locale: 'C.UTF-8' },
    differs,
  };
  fs.mkdirSync(path.dirname(CALIBRATION_FILE), { recursive: true });
  fs.writeFileSync(CALIBRATION_FILE, `${JSON.stringify(data, null, 1)}\n`);
  console.log(
    `${Object.keys(differs).length} keysyms type something else in libX11 ${version}; written to ${path.relative(process.cwd(), CALIBRATION_FILE)}`,
  );
}
