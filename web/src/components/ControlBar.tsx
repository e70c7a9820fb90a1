import { Show } from 'solid-js';
import { createNow, secondsUntil } from '../lib/clock.ts';
import type { Control } from '../lib/control.ts';

/**
 * Who controls the target, and the buttons to ask for it, take it, or give it up. Take is on for
 * an admin whenever someone else controls, and for an operator after 10 s of waiting.
 */
export function ControlBar(props: { control: Control }) {
  const now = createNow(500);
  const takeIn = () => secondsUntil(props.control.takeAt(), now());
  const waiting = () => props.control.requestedAt() > 0 && props.control.holder() !== 'you';
  const queue = () => props.control.status()?.waiting ?? [];
  return (
    <nav class="control" aria-label="Control" data-testid="control" data-holder={props.control.holder()}>
      <span class="item" data-testid="control-text" role="status">
        {props.control.text()}
      </span>
      <Show when={queue().length > 0}>
        <span class="item" data-testid="control-waiting">
          Waiting: {queue().join(', ')}
        </span>
      </Show>
      <Show when={props.control.canRequest() && props.control.holder() !== 'you'}>
        <Show when={!waiting()}>
          <button data-testid="control-request" onClick={() => props.control.request()}>
            Request control
          </button>
        </Show>
        <Show when={props.control.holder() === 'other'}>
          <button
            data-testid="control-take"
            disabled={!Number.isFinite(props.control.takeAt()) || takeIn() > 0}
            title="Take control now; the current controller's keys and buttons are released"
            onClick={() => props.control.take()}
          >
            {Number.isFinite(props.control.takeAt()) && takeIn() > 0
              ? `Take control (in ${takeIn()} s)`
              : 'Take control'}
          </button>
        </Show>
      </Show>
      <Show when={props.control.holder() === 'you' || waiting()}>
        <button data-testid="control-release" onClick={() => props.control.release()}>
          {props.control.holder() === 'you' ? 'Release control' : 'Stop waiting'}
        </button>
      </Show>
      <Show when={props.control.status()?.role === 'viewer'}>
        <span class="item muted">View only (your role is viewer)</span>
      </Show>
      <Show when={props.control.notice()}>
        <span class="item error" data-testid="control-notice" role="alert">
          {props.control.notice()}{' '}
          <button aria-label="Dismiss" onClick={() => props.control.dismissNotice()}>
            ×
          </button>
        </span>
      </Show>
    </nav>
  );
}
