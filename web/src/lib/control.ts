import { createEffect, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import type { ControlStatus } from '../../../protocol/index.ts';
import type { KvmSession } from './session.ts';

/** Waiting this long lets an operator take control (protocol/control.ts: take=true). */
export const OPERATOR_TAKE_AFTER_MS = 10_000;

export type Holder = 'you' | 'other' | 'nobody' | 'unknown';

export interface Control {
  /** The bridge's last control-status (null until one arrives on this connection). */
  status: Accessor<ControlStatus | null>;
  holder(): Holder;
  /** "You have control", "Viewing — alice has control", "Nobody has control". */
  text(): string;
  /** This page holds control, so its input may go to the target. */
  mayInput(): boolean;
  /** When this page asked for control and is still waiting, ms since epoch (0 if not waiting). */
  requestedAt: Accessor<number>;
  /** The role may ask for control (viewers never control). */
  canRequest(): boolean;
  /**
   * When Take becomes possible, ms since epoch: now for an admin while another client controls;
   * requestedAt + 10 s for a waiting operator; Infinity otherwise. The bridge has the last word
   * (an operator may also need the controller to be idle) and answers `not-allowed`.
   */
  takeAt(): number;
  /** control-request take=false: get control if free, else queue. */
  request(): void;
  /** control-request take=true. */
  take(): void;
  /** control-release: give control up, or leave the queue. */
  release(): void;
  /** Input typed while nobody controls: asks for control (the input itself is dropped). */
  inputWithoutControl(): void;
  /** A refusal to show: `not-controller` or a refused request, in words ('' if none). */
  notice: Accessor<string>;
  dismissNotice(): void;
}

/**
 * The control domain: who may type on the target (one controller, enforced by the bridge).
 * Built on the session's control-status; asks for control by itself once per connection when
 * nobody has it, unless this page gave control up.
 */
export function createControl(session: KvmSession): Control {
  const [requestedAt, setRequestedAt] = createSignal(0);
  const [notice, setNotice] = createSignal('');
  /** The user released on purpose: do not grab control back automatically. */
  let releasedByUser = false;
  /** The control-status this connection auto-asked on (null: not yet). */
  let autoAsked: ControlStatus | null = null;

  const status = session.control;
  const holder = (): Holder => {
    const s = status();
    if (!s) return 'unknown';
    if (s.controller !== 0 && s.controller === s.you) return 'you';
    if (s.controller !== 0 || s.controllerUser) return 'other';
    return 'nobody';
  };
  const canRequest = (): boolean => {
    const s = status();
    return !!s && s.role !== 'viewer';
  };
  const send = (take: boolean): void => {
    if (!canRequest()) return;
    releasedByUser = false;
    if (session.send({ type: 'control-request', take }) && !requestedAt()) setRequestedAt(Date.now());
  };

  // Read at the time of each error, not tracked: an event callback, not a computation.
  // eslint-disable-next-line solid/reactivity
  const stopErrors = session.onError((m) => {
    if (m.code === 'not-controller') setNotice(`Your input was not sent: ${m.message}`);
    else if (m.code === 'not-allowed' && requestedAt()) setNotice(`Control not given: ${m.message}`);
  });
  onCleanup(stopErrors);

  /** Reacts to each control-status: clears the wait when granted, asks once when nobody controls. */
  const onStatus = (s: ControlStatus | null): void => {
    if (!s) {
      setRequestedAt(0);
      return;
    }
    if (s.controller !== 0 && s.controller === s.you) {
      setRequestedAt(0);
      setNotice('');
    }
    if (holder() === 'nobody' && s.role !== 'viewer' && !releasedByUser && autoAsked === null) {
      autoAsked = s;
      send(false);
    }
  };
  // Runs for every control-status object (each message is a new object, so repeats count).
  createEffect(
    on(status, (s) => {
      if (s === null) autoAsked = null; // a new connection may ask again
      onStatus(s);
    }),
  );

  return {
    status,
    holder,
    text: () => {
      const s = status();
      switch (holder()) {
        case 'you':
          return 'You have control';
        case 'other':
          return `Viewing — ${s?.controllerUser || 'another client'} has control${s?.controller === 0 ? ' (reconnecting)' : ''}`;
        case 'nobody':
          return 'Nobody has control';
        case 'unknown':
          return 'Control: unknown (not connected)';
      }
    },
    mayInput: () => holder() === 'you',
    requestedAt,
    canRequest,
    takeAt: () => {
      const s = status();
      if (!s || holder() !== 'other' || s.role === 'viewer') return Infinity;
      if (s.role === 'admin') return 0;
      return requestedAt() ? requestedAt() + OPERATOR_TAKE_AFTER_MS : Infinity;
    },
    request: () => send(false),
    take: () => send(true),
    release: () => {
      releasedByUser = true;
      setRequestedAt(0);
      session.send({ type: 'control-release' });
    },
    inputWithoutControl: () => {
      if (holder() === 'nobody' && !requestedAt()) send(false);
    },
    notice,
    dismissNotice: () => setNotice(''),
  };
}
