import { createMemo, createSignal, Show } from 'solid-js';
import { Led } from '../../../protocol/index.ts';
import { findUntypable, planText, RATE_PRESETS, type Layout } from '../lib/layouts/index.ts';
import { runPaste, type PasteOutcome, type PasteProgress } from '../lib/paste.ts';
import type { KvmSession } from '../lib/session.ts';
import type { Settings } from '../lib/settings.ts';
import { UnicodeFallbackSelect } from './UnicodeFallbackSelect.tsx';

/**
 * Paste as keystrokes: text becomes one report sequence for the target's layout, played by the
 * bridge as batches with progress and cancel. Characters the layout cannot type are listed before
 * anything is sent, with the user's choice of skipping them or the target OS's Unicode entry.
 */
export function PastePanel(props: {
  session: KvmSession;
  /** This page controls the target; a paste is not offered otherwise. */
  mayType: boolean;
  layout: Layout | undefined;
  settings: Settings;
  update: (p: Partial<Settings>) => void;
  onClose: () => void;
}) {
  const [text, setText] = createSignal('');
  const [progress, setProgress] = createSignal<PasteProgress | null>(null);
  const [result, setResult] = createSignal<PasteOutcome | null>(null);
  const [running, setRunning] = createSignal<{ cancel(): void } | null>(null);
  const opts = () => ({
    capsLock: (props.session.leds() & Led.CapsLock) !== 0,
    numLock: (props.session.leds() & Led.NumLock) !== 0,
    unicodeFallback: props.settings.unicodeFallback,
    ...RATE_PRESETS[props.settings.pasteRate],
  });
  const missing = createMemo(() =>
    props.layout ? findUntypable(text(), props.layout, { ...opts(), unicodeFallback: 'skip' }) : [],
  );
  const plan = createMemo(() => (props.layout && text() ? planText(text(), props.layout, opts()) : null));
  const start = (): void => {
    const p = plan();
    if (!p || p.steps.length === 0) return;
    setResult(null);
    setProgress({ sent: 0, total: p.steps.length });
    const run = runPaste(props.session, p.steps, setProgress);
    setRunning(run);
    void run.done.then((o) => {
      setRunning(null);
      setResult(o);
    });
  };
  const unique = (chars: { char: string }[]) => [...new Set(chars.map((c) => c.char))];
  return (
    <section class="panel" aria-label="Paste as keystrokes" data-testid="paste-panel">
      <header>
        <strong>Paste as keystrokes</strong>{' '}
        <button onClick={() => props.onClose()} aria-label="Close">
          ×
        </button>
      </header>
      <textarea
        data-testid="paste-text"
        rows={6}
        placeholder="Text to type on the target"
        value={text()}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <div class="row">
        <label>
          Speed{' '}
          <select
            data-testid="paste-rate"
            value={props.settings.pasteRate}
            onChange={(e) => props.update({ pasteRate: e.currentTarget.value === 'fast' ? 'fast' : 'safe' })}
          >
            <option value="fast">Fast (as fast as the USB host polls)</option>
            <option value="safe">
              Slow, for BIOS setup and remote consoles that drop fast keys (20 ms per report)
            </option>
          </select>
        </label>
        <UnicodeFallbackSelect
          testId="paste-fallback"
          value={props.settings.unicodeFallback}
          onChange={(f) => props.update({ unicodeFallback: f })}
        />
      </div>
      <Show when={missing().length > 0}>
        <p class="warn" data-testid="paste-untypable">
          {unique(missing()).length} character(s) cannot be typed on this layout:{' '}
          <code>{unique(missing()).join(' ')}</code>
          {plan() && plan()!.untypable.length === 0
            ? ' (typed through the Unicode entry you chose)'
            : ' (they will be skipped)'}
        </p>
      </Show>
      <div class="row">
        <button
          data-testid="paste-start"
          disabled={
            !plan() ||
            plan()!.steps.length === 0 ||
            running() !== null ||
            props.session.info().state !== 'open' ||
            !props.mayType
          }
          onClick={start}
        >
          Type {plan() ? `${plan()!.typed} characters (~${Math.ceil(plan()!.estimatedMs / 1000)} s)` : ''}
        </button>
        <Show when={running()}>
          {(r) => (
            <button data-testid="paste-cancel" onClick={() => r().cancel()}>
              Cancel
            </button>
          )}
        </Show>
        <Show when={progress()}>
          {(p) => (
            <>
              <progress data-testid="paste-progress" max={p().total} value={p().sent} />
              <span>{`${p().sent}/${p().total} reports`}</span>
            </>
          )}
        </Show>
        <Show when={result()}>
          {(r) => (
            <span data-testid="paste-result" data-outcome={r().outcome}>
              {r().outcome === 'done' ? 'Done' : `${r().outcome}: ${r().reason}`}
            </span>
          )}
        </Show>
      </div>
    </section>
  );
}
