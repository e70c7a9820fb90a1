/**
 * Layout descriptions, languages and countries from the xkb registry (xkeyboard-config
 * rules/evdev.xml, read through `xkbcli list`), with language and country names from iso-codes.
 */
import fs from 'node:fs';
import { GenError } from './errors.ts';

export interface RegistryLayout {
  /** `us` or `us(intl)`. */
  name: string;
  description: string;
  /** ISO 639-3 codes. */
  iso639: string[];
  /** ISO 3166-1 alpha-2 codes. */
  iso3166: string[];
}

const unquote = (s: string): string =>
  s
    .trim()
    .replace(/^'(.*)'$/, '$1')
    .replace(/''/g, "'");
const list = (s: string | undefined): string[] =>
  s === undefined
    ? []
    : s
        .replace(/^\[|\]$/g, '')
        .split(',')
        .map(unquote)
        .filter((x) => x !== '');

/** Parses the `layouts:` part of `xkbcli list` (a YAML list of flat maps). */
export function parseXkbcliList(text: string): Map<string, RegistryLayout> {
  const out = new Map<string, RegistryLayout>();
  const start = text.indexOf('\nlayouts:');
  if (start < 0) throw new GenError('KEYMAP_MISSING', 'xkbcli list printed no layouts');
  for (const block of text.slice(start).split(/\n- /).slice(1)) {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      const m = /^\s*(\w+):\s*(.*)$/.exec(line);
      if (m) fields.set(m[1]!, m[2]!);
    }
    const layout = unquote(fields.get('layout') ?? '');
    const variant = unquote(fields.get('variant') ?? '');
    const name = variant ? `${layout}(${variant})` : layout;
    out.set(name, {
      name,
      description: unquote(fields.get('description') ?? name),
      iso639: list(fields.get('iso639')),
      iso3166: list(fields.get('iso3166')),
    });
  }
  return out;
}

export const ISO_639_3 = '/usr/share/iso-codes/json/iso_639-3.json';
export const ISO_3166_1 = '/usr/share/iso-codes/json/iso_3166-1.json';

/** Code → English name from an iso-codes JSON file (package iso-codes). */
export function loadIsoNames(file: string, key: string, codeField: string): Map<string, string> {
  if (!fs.existsSync(file)) throw new GenError('DATA_MISSING', `${file} is missing (Debian package iso-codes)`);
  const rows = (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, string>[]>)[key] ?? [];
  return new Map(rows.map((r) => [r[codeField]!, r['name']!]));
}
