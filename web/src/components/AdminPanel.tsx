import { createSignal, Show } from 'solid-js';
import { makeAdminApi } from '../lib/admin.ts';
import type { ApiClient } from '../lib/auth/api.ts';
import { SessionsAdmin } from './SessionsAdmin.tsx';
import { UsersAdmin } from './UsersAdmin.tsx';

/** The admin page: users and sessions. Shown over the KVM, which stays connected underneath. */
export function AdminPanel(props: { api: ApiClient; self: string; onClose: () => void }) {
  // The api client is fixed for the page's life.
  // eslint-disable-next-line solid/reactivity
  const admin = makeAdminApi(props.api);
  const [error, setError] = createSignal('');
  return (
    <section class="panel admin" aria-label="Administration" data-testid="admin-panel">
      <header>
        <strong>Administration</strong>{' '}
        <button onClick={() => props.onClose()} aria-label="Close">
          ×
        </button>
      </header>
      <Show when={error()}>
        <p class="error" data-testid="admin-error" role="alert">
          {error()}
        </p>
      </Show>
      <UsersAdmin admin={admin} self={props.self} onError={setError} />
      <SessionsAdmin admin={admin} onError={setError} />
    </section>
  );
}
