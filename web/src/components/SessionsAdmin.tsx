import { createResource, For, Show } from 'solid-js';
import type { AdminApi } from '../lib/admin.ts';

const when = (ms: number) => new Date(ms).toLocaleString();

/** Logged-in sessions (an admin sees all), each revocable; a revoked session's sockets close at once. */
export function SessionsAdmin(props: { admin: AdminApi; onError: (text: string) => void }) {
  const [sessions, { refetch }] = createResource(() => props.admin.sessions());
  const revoke = async (id: string): Promise<void> => {
    props.onError('');
    try {
      await props.admin.revokeSession(id);
    } catch (e) {
      props.onError(e instanceof Error ? e.message : String(e));
    }
    void refetch();
  };
  return (
    <section aria-label="Sessions" data-testid="sessions-admin">
      <h2>
        Sessions <button onClick={() => void refetch()}>Refresh</button>
      </h2>
      <Show when={sessions.error}>
        <p class="error">Sessions unavailable: {String(sessions.error)}</p>
      </Show>
      <table>
        <thead>
          <tr>
            <th>User</th>
            <th>Logged in</th>
            <th>Last used</th>
            <th>Expires</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <For each={sessions() ?? []}>
            {(s) => (
              <tr data-testid="session-row" data-user={s.user} data-current={String(s.current)}>
                <td>
                  {s.user}
                  {s.current ? ' (this browser)' : ''}
                </td>
                <td>{when(s.createdAt)}</td>
                <td>{when(s.lastUsedAt)}</td>
                <td>{when(s.expiresAt)}</td>
                <td>
                  <button data-testid="session-revoke" onClick={() => void revoke(s.id)}>
                    {s.current ? 'Log out here' : 'Revoke'}
                  </button>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </section>
  );
}
