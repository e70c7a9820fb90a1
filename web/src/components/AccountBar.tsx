import { Show } from 'solid-js';
import type { StoredSession } from '../lib/auth/stored-session.ts';

/** The logged-in user and role, the Admin page toggle (admins only) and Log out. */
export function AccountBar(props: {
  session: StoredSession;
  adminOpen: boolean;
  onAdmin: () => void;
  onLogout: () => void;
}) {
  return (
    <span class="account" data-testid="account" data-user={props.session.user} data-role={props.session.role}>
      <span>
        {props.session.user} ({props.session.role})
      </span>
      <Show when={props.session.role === 'admin'}>
        <button data-testid="open-admin" aria-pressed={props.adminOpen} onClick={() => props.onAdmin()}>
          Admin…
        </button>
      </Show>
      <button data-testid="logout" onClick={() => props.onLogout()}>
        Log out
      </button>
    </span>
  );
}
