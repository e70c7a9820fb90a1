import { createSignal, For, Show } from 'solid-js';
import { duplicateMacro } from '../../lib/macros/edit.ts';
import type { MacroLibrary, MacroPlayer } from '../../lib/macros/library.ts';
import type { Macro } from '../../lib/macros/model.ts';
import type { CollisionChoice } from '../../lib/macros/store.ts';
import { MacroEditor } from './MacroEditor.tsx';
import { RecordButton } from './RecordButton.tsx';

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const stamp = (d: Date): string => d.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');

/**
 * The macro library: record, play, edit, duplicate, delete, import and export. Everything lives
 * in this browser's IndexedDB, so it works offline; import/export moves macros between browsers.
 */
export function MacrosPanel(props: { library: MacroLibrary; player: MacroPlayer; onClose: () => void }) {
  const [editing, setEditing] = createSignal<string | null>(null);
  const [clash, setClash] = createSignal<{ names: string[]; answer: (c: CollisionChoice | null) => void } | null>(null);
  const [note, setNote] = createSignal('');
  let fileInput!: HTMLInputElement;
  const edited = () => props.library.macros().find((m) => m.id === editing());
  const names = () => new Set(props.library.macros().map((m) => m.name));

  const importFile = async (file: File): Promise<void> => {
    setNote('');
    const r = await props.library.importFile(
      file,
      (names) => new Promise((answer) => setClash({ names, answer: (c) => (setClash(null), answer(c)) })),
    );
    if (Array.isArray(r)) setNote(`Imported ${r.length} macro(s)`);
  };
  const exportAll = (ms: readonly Macro[], name: string): void =>
    download(`webkvm-macros-${name}-${stamp(new Date())}.json`, props.library.exportText(ms));

  return (
    <section class="panel macros" aria-label="Macros" data-testid="macros-panel">
      <header>
        <strong>Macros</strong>
        <button onClick={() => props.onClose()} aria-label="Close">
          ×
        </button>
      </header>
      <div class="row">
        <RecordButton library={props.library} onRecorded={(m) => setEditing(m.id)} />
        <button
          data-testid="macro-new"
          onClick={() =>
            void props.library
              .add({ name: 'New macro', tags: [], repeat: 1, steps: [{ kind: 'delay', ms: 100 }] })
              .then((m) => m && setEditing(m.id))
          }
        >
          New
        </button>
        <button data-testid="macro-import" onClick={() => fileInput.click()}>
          Import…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          data-testid="macro-import-file"
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (f) void importFile(f);
          }}
        />
        <button
          data-testid="macro-export-all"
          disabled={props.library.macros().length === 0}
          onClick={() => exportAll(props.library.macros(), 'all')}
        >
          Export all
        </button>
      </div>
      <Show when={clash()}>
        {(c) => (
          <div class="macro-confirm" role="alertdialog" data-testid="macro-clash">
            <p>
              Already in the library: <strong>{c().names.join(', ')}</strong>.
            </p>
            <button data-testid="macro-clash-keep" onClick={() => c().answer('keep-both')}>
              Keep both
            </button>{' '}
            <button data-testid="macro-clash-replace" onClick={() => c().answer('replace')}>
              Replace
            </button>{' '}
            <button onClick={() => c().answer(null)}>Cancel import</button>
          </div>
        )}
      </Show>
      <Show when={props.library.error()}>
        {(e) => (
          <p class="warn" role="alert" data-testid="macro-error" data-code={e().code}>
            {e().message}
          </p>
        )}
      </Show>
      <Show when={note()}>
        <p class="muted" data-testid="macro-note">
          {note()}
        </p>
      </Show>
      <Show
        when={props.library.macros().length > 0}
        fallback={<p class="muted">{props.library.ready() ? 'No macros yet: record one.' : 'Opening the library…'}</p>}
      >
        <ul class="macro-list" data-testid="macro-list">
          <For each={props.library.macros()}>
            {(m) => (
              <li data-testid="macro-item" data-name={m.name}>
                <span class="macro-name">
                  {m.name}
                  <For each={m.tags}>{(t) => <span class="tag">{t}</span>}</For>
                  <span class="muted">
                    {' '}
                    {m.steps.length} steps
                    {m.repeat === 'until-stopped' ? ', loops' : m.repeat > 1 ? ` ×${m.repeat}` : ''}
                  </span>
                </span>
                <span class="macro-actions">
                  <button
                    data-testid="macro-play"
                    disabled={props.player.playing() !== null}
                    onClick={() => props.player.play(m)}
                  >
                    ▶ Play
                  </button>
                  <button data-testid="macro-edit" onClick={() => setEditing(editing() === m.id ? null : m.id)}>
                    Edit
                  </button>
                  <button
                    data-testid="macro-duplicate"
                    onClick={() => void props.library.add(duplicateMacro(m, names()))}
                  >
                    Duplicate
                  </button>
                  <button data-testid="macro-export" onClick={() => exportAll([m], m.name.replace(/\W+/g, '_'))}>
                    Export
                  </button>
                  <button data-testid="macro-delete" class="danger" onClick={() => void props.library.remove(m.id)}>
                    Delete
                  </button>
                </span>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={edited()}>
        {(m) => <MacroEditor macro={m()} library={props.library} onClose={() => setEditing(null)} />}
      </Show>
    </section>
  );
}
