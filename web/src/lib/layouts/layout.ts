/**
 * A loaded layout: a generated table (layout-data.ts) checked once, with its keys in usage order.
 * Pure; the PWA gets the JSON through catalogue.ts, Node tools may read the file themselves.
 */
import { LayoutError } from './errors.ts';
import { LEVELS, type KeyData, type LayoutData } from './layout-data.ts';

export interface Layout {
  /** xkb name, e.g. `de` or `us(intl)`. */
  readonly name: string;
  readonly description: string;
  /** HID usage of the level-3 (AltGr) key, normally 0xE6 Right Alt; null if the layout has none. */
  readonly level3: number | null;
  /** HID usage → key, ascending by usage. */
  readonly keys: ReadonlyMap<number, KeyData>;
  /** Dead keysym name → next keystroke output → composed character (X Compose). */
  readonly dead: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isOutputs = (v: unknown): v is [string, string, string, string] =>
  Array.isArray(v) && v.length === LEVELS.length && v.every((s) => typeof s === 'string');

function bad(name: string, what: string): never {
  throw new LayoutError('bad-layout-data', `layout ${name}: ${what}`);
}

/**
 * Checks generated JSON and builds a {@link Layout}.
 * @throws LayoutError `bad-layout-data` when the shape is wrong.
 */
export function layoutFromData(data: unknown): Layout {
  if (!isRecord(data) || typeof data['name'] !== 'string') return bad('?', 'not a layout table');
  const d = data as unknown as LayoutData;
  const name = d.name;
  if (typeof d.description !== 'string') bad(name, 'description missing');
  if (d.level3 !== null && !(Number.isInteger(d.level3) && d.level3 >= 0 && d.level3 <= 0xff)) bad(name, 'bad level3');
  if (!isRecord(d.keys) || !isRecord(d.dead)) bad(name, 'keys or dead missing');
  const keys = new Map<number, KeyData>();
  for (const [k, v] of Object.entries(d.keys)) {
    const usage = /^0x[0-9a-f]{2}$/.test(k) ? parseInt(k, 16) : NaN;
    if (Number.isNaN(usage) || !isRecord(v) || !isOutputs(v['levels']) || !isOutputs(v['caps']))
      bad(name, `bad key ${k}`);
    keys.set(usage, v as unknown as KeyData);
  }
  for (const [k, v] of Object.entries(d.dead)) {
    if (!k.startsWith('dead_') || !isRecord(v) || !Object.values(v).every((s) => typeof s === 'string'))
      bad(name, `bad dead key ${k}`);
  }
  return {
    name,
    description: d.description,
    level3: d.level3,
    keys: new Map([...keys].sort((a, b) => a[0] - b[0])),
    dead: d.dead,
  };
}

/** A key output that is a dead key (`dead_acute`), not a character. */
export function isDeadOutput(out: string): boolean {
  return out.startsWith('dead_');
}
