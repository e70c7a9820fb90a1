import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { MacroError } from '../../../web/src/lib/macros/errors.ts';
import type { MacroBody } from '../../../web/src/lib/macros/model.ts';
import { DB_VERSION, makeMacroStore, openMacroDb } from '../../../web/src/lib/macros/store.ts';

let n = 0;
const fresh = () => `macros-test-${++n}-${Date.now()}`;
const body = (name: string, o: Partial<MacroBody> = {}): MacroBody => ({
  name,
  tags: [],
  repeat: 1,
  steps: [
    { kind: 'key-down', usage: 0x04 },
    { kind: 'key-up', usage: 0x04 },
  ],
  ...o,
});
const names = async (s: Awaited<ReturnType<typeof makeMacroStore>>) => (await s.list()).map((m) => m.name);

describe('macro store', () => {
  it('adds, lists by name, saves and removes', async () => {
    const s = await makeMacroStore(fresh());
    const b = await s.add(body('b'), 1000);
    await s.add(body('a'), 2000);
    expect(await names(s)).toEqual(['a', 'b']);
    expect(b).toMatchObject({ name: 'b', createdAt: 1000, updatedAt: 1000 });
    const saved = await s.save({ ...b, name: 'c', steps: [{ kind: 'delay', ms: 5 }] }, 3000);
    expect(await s.get(b.id)).toEqual(saved);
    expect(saved).toMatchObject({ createdAt: 1000, updatedAt: 3000, name: 'c' });
    await s.remove(b.id);
    expect(await names(s)).toEqual(['a']);
    s.close();
  });

  it('keeps the library across reopening (a reload)', async () => {
    const name = fresh();
    const s = await makeMacroStore(name);
    await s.add(body('kept'));
    s.close();
    const again = await makeMacroStore(name);
    expect(await names(again)).toEqual(['kept']);
    again.close();
  });

  it('refuses an invalid save with the field path and writes nothing', async () => {
    const s = await makeMacroStore(fresh());
    const m = await s.add(body('x'));
    const bad = { ...m, steps: [{ kind: 'delay' as const, ms: -1 }] };
    await expect(s.save(bad)).rejects.toMatchObject({ code: 'invalid', path: 'steps[0].ms' });
    expect((await s.get(m.id))?.steps).toEqual(m.steps);
    s.close();
  });

  it('imports in one transaction: a bad macro leaves the library unchanged', async () => {
    const s = await makeMacroStore(fresh());
    await s.add(body('old'));
    const before = await s.list();
    const err = await s
      .importAll([body('new'), body('bad', { steps: [{ kind: 'key-down', usage: 0xff }] })], () => 'keep-both')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MacroError);
    expect(err).toMatchObject({ code: 'invalid', path: 'macros[1].steps[0].usage' });
    expect(await s.list()).toEqual(before);
    s.close();
  });

  it('rolls back every write when IndexedDB fails mid-import', async () => {
    const s = await makeMacroStore(fresh());
    await s.add(body('keep'));
    const before = await s.list();
    // Replace deletes the old row first; the id collision on add then makes IndexedDB throw.
    const uuid = crypto.randomUUID;
    crypto.randomUUID = () => before[0]!.id as ReturnType<typeof uuid>;
    try {
      await expect(s.importAll([body('keep'), body('other')], () => 'replace')).rejects.toMatchObject({
        code: 'storage',
      });
    } finally {
      crypto.randomUUID = uuid;
    }
    expect(await s.list()).toEqual(before);
    s.close();
  });

  it.each([
    ['keep-both', ['dup', 'dup (2)', 'dup (3)', 'solo']],
    ['replace', ['dup', 'dup (2)', 'solo']],
  ] as const)('on a name collision, %s', async (choice, want) => {
    const s = await makeMacroStore(fresh());
    const old = await s.add(body('dup'));
    await s.add(body('dup (2)'));
    const asked: string[] = [];
    await s.importAll([body('dup', { repeat: 7 }), body('solo')], (name) => (asked.push(name), choice));
    expect(asked).toEqual(['dup']);
    const list = await s.list();
    if (choice === 'replace') {
      expect(list.map((m) => m.name)).toEqual(want);
      expect(list[0]).toMatchObject({ repeat: 7 });
      expect(list[0]!.id).not.toBe(old.id);
    } else expect(list.map((m) => m.name).sort()).toEqual([...want].sort());
    s.close();
  });
});

describe('schema migrations', () => {
  it(`migrates a v1 database to v${DB_VERSION}`, async () => {
    const name = fresh();
    const v1 = await openMacroDb(name, 1);
    expect(v1.version).toBe(1);
    const row = {
      id: 'm1',
      name: 'old loop',
      steps: [{ kind: 'delay', ms: 5 }],
      repeat: 0,
      createdAt: 1,
      updatedAt: 2,
    };
    await (v1 as unknown as { put(s: string, v: unknown): Promise<unknown> }).put('macros', row);
    await (v1 as unknown as { put(s: string, v: unknown): Promise<unknown> }).put('macros', {
      ...row,
      id: 'm2',
      name: 'twice',
      repeat: 2,
    });
    v1.close();

    const s = await makeMacroStore(name);
    const list = await s.list();
    expect(list).toEqual([
      { ...row, tags: [], repeat: 'until-stopped' },
      { ...row, id: 'm2', name: 'twice', tags: [], repeat: 2 },
    ]);
    s.close();
    const db = await openMacroDb(name);
    expect(db.version).toBe(DB_VERSION);
    expect([...db.transaction('macros').store.indexNames]).toEqual(['by-name']);
    db.close();
  });
});
