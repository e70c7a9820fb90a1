/**
 * The macro domain for the page: the library (store.ts) as a signal, and one player (play.ts)
 * shared by the library and the built-in shortcuts menu. Bound to the Solid owner: the
 * database closes and a playing macro is cancelled on cleanup.
 */
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type { PasteSink } from '../paste.ts';
import { compileSteps, type CompileOptions } from './compile.ts';
import { MacroError } from './errors.ts';
import type { Macro, MacroBody } from './model.ts';
import { playMacro, type MacroOutcome, type MacroProgress } from './play.ts';
import { checkImportSize, parseExport, toExport } from './schema.ts';
import { makeMacroStore, type CollisionChoice, type MacroStore } from './store.ts';

export interface MacroLibrary {
  macros: Accessor<Macro[]>;
  /** False until the database is open and listed. */
  ready: Accessor<boolean>;
  error: Accessor<MacroError | null>;
  add(body: MacroBody): Promise<Macro | undefined>;
  save(m: Macro): Promise<Macro | undefined>;
  remove(id: string): Promise<void>;
  /**
   * Imports an export file: size, JSON, format, version and every field are checked before
   * anything is written, then everything is written in one transaction. `ask` is called once
   * with the names already in the library when there are any; null cancels the import.
   * @returns the added macros, or a MacroError (also shown through `error`)
   */
  importFile(
    file: Blob,
    ask: (names: string[]) => Promise<CollisionChoice | null>,
  ): Promise<Macro[] | MacroError | null>;
  exportText(ms: readonly Macro[]): string;
}

export function createMacroLibrary(dbName?: string): MacroLibrary {
  const [macros, setMacros] = createSignal<Macro[]>([]);
  const [ready, setReady] = createSignal(false);
  const [error, setError] = createSignal<MacroError | null>(null);
  const fail = (e: unknown): undefined => {
    const err = e instanceof MacroError ? e : new MacroError('storage', String(e));
    console.warn('macro library:', err.code, err.message);
    setError(err);
    return undefined;
  };
  let disposed = false;
  const opened: Promise<MacroStore | undefined> = makeMacroStore(dbName).then(
    (s) => (disposed ? (s.close(), undefined) : s),
    fail,
  );
  const refresh = async (s: MacroStore): Promise<void> => {
    setMacros(await s.list());
    setReady(true);
  };
  void opened.then((s) => s && refresh(s).catch(fail));
  onCleanup(() => {
    disposed = true;
    void opened.then((s) => s?.close());
  });
  const run = async <T>(fn: (s: MacroStore) => Promise<T>): Promise<T | undefined> => {
    const s = await opened;
    if (!s) return undefined;
    try {
      const r = await fn(s);
      setError(null);
      await refresh(s);
      return r;
    } catch (e) {
      return fail(e);
    }
  };
  return {
    macros,
    ready,
    error,
    add: (body) => run((s) => s.add(body)),
    save: (m) => run((s) => s.save(m)),
    remove: async (id) => void (await run((s) => s.remove(id))),
    async importFile(file, ask) {
      const tooLarge = checkImportSize(file.size);
      const parsed = tooLarge ?? parseExport(await file.text());
      if (parsed instanceof MacroError) {
        setError(parsed);
        return parsed;
      }
      const taken = new Set(macros().map((m) => m.name));
      const clashes = [...new Set(parsed.map((b) => b.name).filter((n) => taken.has(n)))];
      const choice = clashes.length > 0 ? await ask(clashes) : 'keep-both';
      if (choice === null) return null;
      const added = await run((s) => s.importAll(parsed, () => choice));
      return added ?? error() ?? new MacroError('storage', 'the macro library is unavailable');
    },
    exportText: (ms) => toExport(ms, new Date()),
  };
}

export interface Playing {
  name: string;
  progress: MacroProgress;
  cancel(): void;
}

export interface MacroPlayer {
  playing: Accessor<Playing | null>;
  /** The last run's end, with the macro's name and any untypable characters it skipped. */
  result: Accessor<(MacroOutcome & { name: string; warning: string }) | null>;
  /** Compiles and starts `body`; returns a MacroError if it cannot start. */
  play(body: MacroBody): MacroError | undefined;
  cancel(): void;
}

export function createMacroPlayer(
  sink: PasteSink & { batchActive?(): boolean },
  compileOptions: () => CompileOptions,
): MacroPlayer {
  const [playing, setPlaying] = createSignal<Playing | null>(null);
  const [result, setResult] = createSignal<ReturnType<MacroPlayer['result']>>(null);
  onCleanup(() => playing()?.cancel());
  return {
    playing,
    result,
    play(body) {
      if (playing() || sink.batchActive?.()) return new MacroError('busy', 'a macro or a paste is already playing');
      const c = compileSteps(body.steps, compileOptions());
      if (c instanceof MacroError) {
        setResult({ outcome: 'failed', sent: 0, reason: c.message, name: body.name, warning: '' });
        return c;
      }
      const warning = c.untypable.length
        ? `skipped characters the layout lacks: ${[...new Set(c.untypable.flatMap((u) => u.chars))].join(' ')}`
        : '';
      setResult(null);
      const total = body.repeat === 'until-stopped' ? null : c.steps.length * body.repeat;
      const run = playMacro(sink, c, body.repeat, (p) => setPlaying((cur) => cur && { ...cur, progress: p }));
      setPlaying({ name: body.name, progress: { sent: 0, total, iterations: 0 }, cancel: run.cancel });
      void run.done.then((o) => {
        setPlaying(null);
        setResult({ ...o, name: body.name, warning });
      });
      return undefined;
    },
    cancel: () => playing()?.cancel(),
  };
}
