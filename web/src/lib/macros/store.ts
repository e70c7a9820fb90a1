/**
 * The macro library in IndexedDB (through `idb`), so it works offline and survives reloads.
 *
 * Schema versions (database `webkvm-macros`), each reached by its migration in order:
 * - v1: object store `macros` (keyPath `id`): `{ id, name, steps, repeat, createdAt, updatedAt }`,
 *   `repeat` 0 meaning "loop until stopped".
 * - v2: index `by-name`; `tags: string[]` on every row; `repeat` 0 becomes `'until-stopped'`.
 *
 * Every write is validated (schema.ts) first, and an import is one readwrite transaction: a bad
 * row aborts it and the library is left as it was.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { MacroError } from './errors.ts';
import { toMacro, uniqueName, type Macro, type MacroBody } from './model.ts';
import { validateBody } from './schema.ts';

export const DB_NAME = 'webkvm-macros';
export const DB_VERSION = 2;

interface MacroDb extends DBSchema {
  macros: { key: string; value: Macro; indexes: { 'by-name': string } };
}

type UpgradeTx = IDBPTransaction<MacroDb, StoreNames<MacroDb>[], 'versionchange'>;

/** MIGRATIONS[v - 1] takes a database at version v - 1 to version v. */
const MIGRATIONS: ((db: IDBPDatabase<MacroDb>, tx: UpgradeTx) => Promise<void>)[] = [
  async (db) => {
    db.createObjectStore('macros', { keyPath: 'id' });
  },
  async (_db, tx) => {
    const store = tx.objectStore('macros');
    store.createIndex('by-name', 'name');
    for (let cur = await store.openCursor(); cur; cur = await cur.continue()) {
      const row = cur.value as Macro & { repeat: number | 'until-stopped'; tags?: string[] };
      await cur.update({ ...row, tags: row.tags ?? [], repeat: row.repeat === 0 ? 'until-stopped' : row.repeat });
    }
  },
];

/** Opens (creating or migrating) the library database; `version` below current is for tests. */
export function openMacroDb(name = DB_NAME, version = DB_VERSION): Promise<IDBPDatabase<MacroDb>> {
  return openDB<MacroDb>(name, version, {
    async upgrade(db, oldVersion, newVersion, tx) {
      for (let v = oldVersion + 1; v <= (newVersion ?? version); v++) await MIGRATIONS[v - 1]!(db, tx);
    },
    blocked() {
      console.warn('macro library upgrade waits for another tab to close it');
    },
  });
}

export type CollisionChoice = 'keep-both' | 'replace';

export interface MacroStore {
  /** Every macro, by name. */
  list(): Promise<Macro[]>;
  get(id: string): Promise<Macro | undefined>;
  /** Adds a new macro from `body`, stamped `now` (epoch ms). */
  add(body: MacroBody, now?: number): Promise<Macro>;
  /** Saves an edited macro (validated; `updatedAt` set to `now`). */
  save(m: Macro, now?: number): Promise<Macro>;
  remove(id: string): Promise<void>;
  /**
   * Adds `bodies` in one transaction. A body whose name is already in the library is added under
   * a new name (`Name (2)`) or replaces the macro(s) of that name, per `choice(name)`.
   * @throws MacroError 'invalid' (nothing written) or 'storage'
   */
  importAll(bodies: readonly MacroBody[], choice: (name: string) => CollisionChoice, now?: number): Promise<Macro[]>;
  close(): void;
}

const storageError = (e: unknown): MacroError =>
  e instanceof MacroError ? e : new MacroError('storage', `the macro library is unavailable (${String(e)})`);

function checked(body: MacroBody, path = ''): MacroBody {
  const r = validateBody(body);
  if (r instanceof MacroError) throw new MacroError('invalid', r.message.replace(/^[^:]*: /, ''), path + r.path);
  return r;
}

export async function makeMacroStore(name = DB_NAME): Promise<MacroStore> {
  const db = await openMacroDb(name).catch((e: unknown) => Promise.reject(storageError(e)));
  const wrap = <T>(p: Promise<T>): Promise<T> => p.catch((e: unknown) => Promise.reject(storageError(e)));
  return {
    list: () => wrap(db.getAllFromIndex('macros', 'by-name')),
    get: (id) => wrap(db.get('macros', id)),
    async add(body, now = Date.now()) {
      const m = toMacro(checked(body), now);
      await wrap(db.add('macros', m));
      return m;
    },
    async save(m, now = Date.now()) {
      const body = checked({ name: m.name, tags: m.tags, repeat: m.repeat, steps: m.steps });
      const next: Macro = { ...m, ...body, updatedAt: now };
      await wrap(db.put('macros', next));
      return next;
    },
    remove: (id) => wrap(db.delete('macros', id)),
    async importAll(bodies, choice, now = Date.now()) {
      const valid = bodies.map((b, i) => checked(b, `macros[${i}].`));
      const tx = db.transaction('macros', 'readwrite');
      const done = tx.done;
      try {
        const existing = await tx.store.getAll();
        const taken = new Set(existing.map((m) => m.name));
        const added: Macro[] = [];
        for (const b of valid) {
          let nameToUse = b.name;
          if (taken.has(b.name)) {
            if (choice(b.name) === 'replace') {
              for (const old of existing.filter((m) => m.name === b.name)) await tx.store.delete(old.id);
            } else nameToUse = uniqueName(b.name, taken);
          }
          taken.add(nameToUse);
          const m = toMacro({ ...b, name: nameToUse }, now);
          await tx.store.add(m);
          added.push(m);
        }
        await done;
        return added;
      } catch (e) {
        // Nothing of the import may stay: abort (if IndexedDB has not already), wait for it, and
        // report the first error, not the abort's own AbortError.
        try {
          tx.abort();
        } catch (already) {
          console.debug('import transaction had already ended', already);
        }
        await done.catch((aborted: unknown) => console.debug('import transaction aborted', aborted));
        throw storageError(e);
      }
    },
    close: () => db.close(),
  };
}
