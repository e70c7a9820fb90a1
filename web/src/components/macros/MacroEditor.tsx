import { createSignal, For, Index, Show } from 'solid-js';
import { hidUsageForCode } from '../../lib/input/keycodes.ts';
import { deleteStep, describeStep, duplicateStep, insertStep, moveStep, setDelay } from '../../lib/macros/edit.ts';
import type { MacroLibrary } from '../../lib/macros/library.ts';
import {
  ABS_MAX,
  MAX_DELAY_MS,
  MAX_REPEAT,
  MOUSE_BUTTONS,
  type Macro,
  type MouseButtonName,
  type Step,
  type StepKind,
} from '../../lib/macros/model.ts';

const KIND_LABELS: Record<StepKind, string> = {
  'key-down': 'Key down',
  'key-up': 'Key up',
  delay: 'Delay',
  text: 'Type text',
  'mouse-move': 'Mouse move',
  'mouse-click': 'Mouse click',
};

/** Reads `KeyA`, `Enter` (KeyboardEvent.code) or `0x04` (HID usage) into a usage. */
function parseUsage(s: string): number | undefined {
  const t = s.trim();
  if (/^0x[0-9a-f]{1,2}$/i.test(t)) return parseInt(t, 16);
  return hidUsageForCode(t) ?? hidUsageForCode(/^[a-z]$/i.test(t) ? `Key${t.toUpperCase()}` : `Digit${t}`);
}

/** A form for one new step; "press a key" fields take the key's code. */
function StepForm(props: { onAdd: (s: Step) => void; onCancel: () => void }) {
  const [kind, setKind] = createSignal<StepKind>('key-down');
  const [key, setKey] = createSignal('');
  const [ms, setMs] = createSignal(100);
  const [text, setText] = createSignal('');
  const [x, setX] = createSignal(16384);
  const [y, setY] = createSignal(16384);
  const [button, setButton] = createSignal<MouseButtonName>('left');
  const [err, setErr] = createSignal('');
  const build = (): Step | string => {
    switch (kind()) {
      case 'key-down':
      case 'key-up': {
        const usage = parseUsage(key());
        return usage === undefined ? `unknown key "${key()}"` : { kind: kind() as 'key-down', usage };
      }
      case 'delay':
        return { kind: 'delay', ms: ms() };
      case 'text':
        return { kind: 'text', text: text() };
      case 'mouse-move':
        return { kind: 'mouse-move', x: x(), y: y() };
      case 'mouse-click':
        return { kind: 'mouse-click', button: button() };
    }
  };
  const num = (v: string, max: number) => Math.max(0, Math.min(max, Math.round(Number(v) || 0)));
  return (
    <div class="row macro-step-form" data-testid="step-form">
      <select data-testid="step-kind" value={kind()} onChange={(e) => setKind(e.currentTarget.value as StepKind)}>
        <For each={Object.entries(KIND_LABELS)}>{([k, l]) => <option value={k}>{l}</option>}</For>
      </select>
      <Show when={kind() === 'key-down' || kind() === 'key-up'}>
        <input
          data-testid="step-key"
          placeholder="press a key, or KeyA / 0x04"
          value={key()}
          onKeyDown={(e) => {
            if (e.code === 'Tab' || e.code === 'Backspace') return;
            e.preventDefault();
            setKey(e.code);
          }}
          onInput={(e) => setKey(e.currentTarget.value)}
        />
      </Show>
      <Show when={kind() === 'delay'}>
        <input
          data-testid="step-ms"
          type="number"
          min="0"
          max={MAX_DELAY_MS}
          value={ms()}
          onInput={(e) => setMs(num(e.currentTarget.value, MAX_DELAY_MS))}
        />{' '}
        ms
      </Show>
      <Show when={kind() === 'text'}>
        <input data-testid="step-text" value={text()} onInput={(e) => setText(e.currentTarget.value)} />
      </Show>
      <Show when={kind() === 'mouse-move'}>
        <label>
          x{' '}
          <input
            type="number"
            min="0"
            max={ABS_MAX}
            value={x()}
            onInput={(e) => setX(num(e.currentTarget.value, ABS_MAX))}
          />
        </label>
        <label>
          y{' '}
          <input
            type="number"
            min="0"
            max={ABS_MAX}
            value={y()}
            onInput={(e) => setY(num(e.currentTarget.value, ABS_MAX))}
          />
        </label>
      </Show>
      <Show when={kind() === 'mouse-click'}>
        <select value={button()} onChange={(e) => setButton(e.currentTarget.value as MouseButtonName)}>
          <For each={[...MOUSE_BUTTONS]}>{(b) => <option value={b}>{b}</option>}</For>
        </select>
      </Show>
      <button
        data-testid="step-add"
        onClick={() => {
          const s = build();
          if (typeof s === 'string') return setErr(s);
          setErr('');
          props.onAdd(s);
        }}
      >
        Add
      </button>
      <button onClick={() => props.onCancel()}>Cancel</button>
      <Show when={err()}>
        <span class="warn">{err()}</span>
      </Show>
    </div>
  );
}

/**
 * The step editor. Every change is saved to the library at once (validated there), so there is
 * no unsaved state to lose on a reload.
 */
export function MacroEditor(props: { macro: Macro; library: MacroLibrary; onClose: () => void }) {
  const [insertAt, setInsertAt] = createSignal<number | null>(null);
  const save = (patch: Partial<Macro>) => void props.library.save({ ...props.macro, ...patch });
  const steps = (op: (s: readonly Step[]) => Step[]) => save({ steps: op(props.macro.steps) });
  const form = (at: number) => (
    <StepForm
      onAdd={(s) => {
        steps((st) => insertStep(st, at, s));
        setInsertAt(at + 1);
      }}
      onCancel={() => setInsertAt(null)}
    />
  );
  return (
    <div class="macro-editor" data-testid="macro-editor">
      <div class="row">
        <label>
          Name{' '}
          <input
            data-testid="macro-name"
            value={props.macro.name}
            onChange={(e) => e.currentTarget.value.trim() && save({ name: e.currentTarget.value.trim() })}
          />
        </label>
        <label>
          Tags{' '}
          <input
            data-testid="macro-tags"
            placeholder="comma separated"
            value={props.macro.tags.join(', ')}
            onChange={(e) =>
              save({
                tags: e.currentTarget.value
                  .split(',')
                  .map((t) => t.trim())
                  .filter(Boolean),
              })
            }
          />
        </label>
        <label>
          Repeat{' '}
          <input
            data-testid="macro-repeat"
            type="number"
            min="1"
            max={MAX_REPEAT}
            disabled={props.macro.repeat === 'until-stopped'}
            value={props.macro.repeat === 'until-stopped' ? 1 : props.macro.repeat}
            onChange={(e) =>
              save({ repeat: Math.max(1, Math.min(MAX_REPEAT, Math.round(Number(e.currentTarget.value)) || 1)) })
            }
          />
        </label>
        <label>
          <input
            type="checkbox"
            data-testid="macro-loop"
            checked={props.macro.repeat === 'until-stopped'}
            onChange={(e) => save({ repeat: e.currentTarget.checked ? 'until-stopped' : 1 })}
          />{' '}
          loop until stopped
        </label>
        <button onClick={() => props.onClose()}>Done</button>
      </div>
      <ol class="macro-steps" data-testid="macro-steps">
        <Index each={props.macro.steps}>
          {(s, i) => (
            <>
              <li data-testid="macro-step" data-kind={s().kind}>
                <span class="macro-step-label">
                  <Show when={s().kind === 'delay'} fallback={describeStep(s())}>
                    wait{' '}
                    <input
                      data-testid="step-delay"
                      type="number"
                      min="0"
                      max={MAX_DELAY_MS}
                      value={(s() as { ms: number }).ms}
                      onChange={(e) => steps((st) => setDelay(st, i, Number(e.currentTarget.value)))}
                    />{' '}
                    ms
                  </Show>
                </span>
                <span class="macro-actions">
                  <button aria-label="Move up" disabled={i === 0} onClick={() => steps((st) => moveStep(st, i, i - 1))}>
                    ↑
                  </button>
                  <button
                    aria-label="Move down"
                    disabled={i === props.macro.steps.length - 1}
                    onClick={() => steps((st) => moveStep(st, i, i + 1))}
                  >
                    ↓
                  </button>
                  <button aria-label="Insert after" onClick={() => setInsertAt(i + 1)}>
                    +
                  </button>
                  <button aria-label="Duplicate step" onClick={() => steps((st) => duplicateStep(st, i))}>
                    ⧉
                  </button>
                  <button
                    aria-label="Delete step"
                    data-testid="step-delete"
                    onClick={() => steps((st) => deleteStep(st, i))}
                  >
                    ✕
                  </button>
                </span>
              </li>
              <Show when={insertAt() === i + 1 && i + 1 < props.macro.steps.length}>{form(i + 1)}</Show>
            </>
          )}
        </Index>
      </ol>
      <Show when={insertAt() === null || insertAt()! >= props.macro.steps.length}>
        <Show
          when={insertAt() !== null}
          fallback={
            <button data-testid="step-new" onClick={() => setInsertAt(props.macro.steps.length)}>
              + Add a step
            </button>
          }
        >
          {form(props.macro.steps.length)}
        </Show>
      </Show>
    </div>
  );
}
