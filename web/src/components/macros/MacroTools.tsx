import { createSignal, Show } from 'solid-js';
import { Led, type BatchEnd, type BatchProgress, type ClientMessage } from '../../../../protocol/index.ts';

type BatchListener = (m: BatchProgress | BatchEnd) => void;
import { RATE_PRESETS, type Layout } from '../../lib/layouts/index.ts';
import { createMacroLibrary, createMacroPlayer } from '../../lib/macros/library.ts';
import type { KvmSession } from '../../lib/session.ts';
import type { Settings } from '../../lib/settings.ts';
import { MacrosPanel } from './MacrosPanel.tsx';
import { ShortcutsMenu } from './ShortcutsMenu.tsx';
import './macros.css';

/**
 * The macro bar: the built-in shortcuts menu, the library panel, and what is playing (progress
 * and Cancel). Text steps are typed with the target layout and the paste settings.
 */
export function MacroTools(props: { session: KvmSession; layout: Layout | undefined; settings: Settings }) {
  const [menuOpen, setMenuOpen] = createSignal(false);
  const [panelOpen, setPanelOpen] = createSignal(false);
  const library = createMacroLibrary();
  // Read the session lazily: the sink outlives any one render of the props.
  const sink = {
    send: (m: ClientMessage) => props.session.send(m),
    onBatch: (fn: BatchListener) => props.session.onBatch(fn),
    batchActive: () => props.session.batchActive(),
  };
  const player = createMacroPlayer(sink, () => ({
    layout: props.layout,
    text: {
      capsLock: (props.session.leds() & Led.CapsLock) !== 0,
      numLock: (props.session.leds() & Led.NumLock) !== 0,
      unicodeFallback: props.settings.unicodeFallback,
      ...RATE_PRESETS[props.settings.pasteRate],
    },
  }));
  const percent = () => {
    const p = player.playing()?.progress;
    return p && p.total ? Math.floor((100 * p.sent) / p.total) : null;
  };
  return (
    <div class="macro-tools">
      <div class="macro-bar" role="toolbar" aria-label="Macros">
        <button
          data-testid="open-shortcuts"
          aria-haspopup="menu"
          aria-expanded={menuOpen()}
          onClick={() => setMenuOpen(!menuOpen())}
        >
          Shortcuts ▾
        </button>
        <button data-testid="open-macros" aria-expanded={panelOpen()} onClick={() => setPanelOpen(!panelOpen())}>
          Macros…
        </button>
        <Show when={player.playing()}>
          {(p) => (
            <span class="macro-playing" data-testid="macro-playing">
              ▶ {p().name} {percent() !== null ? `${percent()}%` : `loop ${p().progress.iterations + 1}`}{' '}
              <button data-testid="macro-cancel" onClick={() => p().cancel()}>
                Cancel
              </button>
            </span>
          )}
        </Show>
        <Show when={!player.playing() && player.result()}>
          {(r) => (
            <span class="muted" data-testid="macro-result" data-outcome={r().outcome}>
              {r().name}: {r().outcome === 'done' ? 'done' : `${r().outcome} (${r().reason})`}
              {r().warning ? `; ${r().warning}` : ''}
            </span>
          )}
        </Show>
      </div>
      <Show when={menuOpen()}>
        <ShortcutsMenu player={player} library={library} onClose={() => setMenuOpen(false)} />
      </Show>
      <Show when={panelOpen()}>
        <MacrosPanel library={library} player={player} onClose={() => setPanelOpen(false)} />
      </Show>
    </div>
  );
}
