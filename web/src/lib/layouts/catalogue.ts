/**
 * The shipped layouts: listing, search, and lazy loading of one layout's table (each is its own
 * JSON chunk, fetched on first use and cached).
 */
import { LayoutError } from './errors.ts';
import { CATALOGUE, LOADERS } from './generated/index.ts';
import type { CatalogueEntry } from './layout-data.ts';
import { layoutFromData, type Layout } from './layout.ts';

export { CATALOGUE };

/** Lower case, accents stripped, for matching "Francais" to "Français". */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const words = (s: string): string[] =>
  fold(s)
    .split(/[^\p{L}\p{N}_-]+/u)
    .filter(Boolean);

/** Entries grouped for a picker, groups and entries in catalogue order. */
export function layoutGroups(): { group: string; entries: CatalogueEntry[] }[] {
  const groups = new Map<string, CatalogueEntry[]>();
  for (const e of CATALOGUE) groups.set(e.group, [...(groups.get(e.group) ?? []), e]);
  return [...groups].map(([group, entries]) => ({ group, entries }));
}

/** The entry whose xkb name or alias (`de-ch`, `fr-BE`) is exactly `name`, ignoring case. */
export function findLayout(name: string): CatalogueEntry | undefined {
  const n = fold(name.trim());
  return CATALOGUE.find((e) => fold(e.name) === n) ?? CATALOGUE.find((e) => e.aliases.some((a) => fold(a) === n));
}

/** How well one query word matches an entry: lower is better, undefined is no match. */
function score(e: CatalogueEntry, word: string): number | undefined {
  const ids = [e.name, ...e.aliases].map(fold);
  if (ids.includes(word)) return 0;
  if (ids.some((id) => id.startsWith(word))) return 1;
  if (words(e.description).some((w) => w.startsWith(word))) return 2;
  if ([...e.languages, ...e.countries].some((t) => words(t).some((w) => w.startsWith(word)))) return 3;
  const all = fold([e.name, ...e.aliases, e.description, ...e.languages, ...e.countries, e.group].join(' '));
  return all.includes(word) ? 4 : undefined;
}

/**
 * Layouts matching every word of `query` in the name, PiKVM/JetKVM alias, description (evdev.xml),
 * language or country, best first: exact name, name prefix, description word, language or
 * country word, then any substring; ties go to the shorter description. An empty query returns
 * the whole catalogue.
 */
export function searchLayouts(query: string): CatalogueEntry[] {
  const q = fold(query).split(/\s+/).filter(Boolean);
  if (q.length === 0) return [...CATALOGUE];
  const whole = findLayout(query);
  const ranked: { e: CatalogueEntry; s: number; i: number }[] = [];
  CATALOGUE.forEach((e, i) => {
    let s = 0;
    for (const w of q) {
      const ws = score(e, w);
      if (ws === undefined) return;
      s += ws;
    }
    ranked.push({ e, s: e === whole ? -1 : s, i });
  });
  // Ties: the plainer layout first ("German" before "German (Neo 2)"), then catalogue order.
  return ranked
    .sort((a, b) => a.s - b.s || a.e.description.length - b.e.description.length || a.i - b.i)
    .map((r) => r.e);
}

const loaded = new Map<string, Promise<Layout>>();

/**
 * Loads (once) the table of layout `name` (xkb name or alias).
 * @throws LayoutError `unknown-layout`, `bad-layout-data`
 */
export function loadLayout(name: string): Promise<Layout> {
  const entry = findLayout(name);
  const loader = entry && LOADERS[entry.name];
  if (!entry || !loader)
    return Promise.reject(new LayoutError('unknown-layout', `no keyboard layout named ${JSON.stringify(name)}`));
  let p = loaded.get(entry.name);
  if (!p) {
    p = loader().then((m) => layoutFromData(m.default));
    p.catch(() => loaded.delete(entry.name));
    loaded.set(entry.name, p);
  }
  return p;
}
