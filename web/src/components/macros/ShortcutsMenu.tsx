import { createSignal, For, Show } from 'solid-js';
import { BUILTIN_GROUPS, BUILTINS, type Builtin } from '../../lib/macros/builtins.ts';
import type { MacroLibrary, MacroPlayer } from '../../lib/macros/library.ts';
import { uniqueName } from '../../lib/macros/model.ts';

/**
 * The built-in shortcuts (lib/macros/builtins.ts), one click from the screen. A click plays the
 * shortcut; the risky ones (SysRq reboot, power off, kill, REISUB) ask first. "Copy" stores an
 * editable copy in the library.
 */
export function ShortcutsMenu(props: { player: MacroPlayer; library: MacroLibrary; onClose: () => void }) {
  const [asking, setAsking] = createSignal<Builtin | null>(null);
  const [note, setNote] = createSignal('');
  const play = (b: Builtin): void => {
    setAsking(null);
    const err = props.player.play(b.body);
    setNote(err ? err.message : '');
    if (!err) props.onClose();
  };
  const copy = async (b: Builtin): Promise<void> => {
    const name = uniqueName(b.body.name, new Set(props.library.macros().map((m) => m.name)));
    const m = await props.library.add({ ...b.body, name, tags: b.body.tags.filter((t) => t !== 'built-in') });
    setNote(m ? `Copied to the library as "${m.name}"` : '');
  };
  return (
    <div class="macro-menu" role="menu" aria-label="Shortcuts" data-testid="shortcuts-menu">
      <Show when={asking()}>
        {(b) => (
          <div class="macro-confirm" role="alertdialog" data-testid="shortcut-confirm">
            <p>{b().confirm}</p>
            <button class="danger" data-testid="shortcut-confirm-send" onClick={() => play(b())}>
              Send
            </button>{' '}
            <button onClick={() => setAsking(null)}>Cancel</button>
          </div>
        )}
      </Show>
      <Show when={note()}>
        <p class="muted" data-testid="shortcut-note">
          {note()}
        </p>
      </Show>
      <For each={BUILTIN_GROUPS}>
        {(g) => (
          <section>
            <h3>{g.label}</h3>
            <ul>
              <For each={BUILTINS.filter((b) => b.group === g.group)}>
                {(b) => (
                  <li>
                    <button
                      role="menuitem"
                      data-testid={`shortcut-${b.id}`}
                      class={b.confirm ? 'risky' : ''}
                      disabled={props.player.playing() !== null}
                      onClick={() => (b.confirm ? setAsking(b) : play(b))}
                    >
                      {b.label}
                    </button>
                    <button
                      class="small"
                      title="Copy to the library to edit it"
                      aria-label={`Copy ${b.label} to the library`}
                      data-testid={`shortcut-copy-${b.id}`}
                      onClick={() => void copy(b)}
                    >
                      ⧉
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </section>
        )}
      </For>
    </div>
  );
}
