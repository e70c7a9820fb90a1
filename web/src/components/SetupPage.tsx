import { createSignal, For, Show } from 'solid-js';
import { ApiError } from '../lib/auth/api.ts';
import type { Auth } from '../lib/auth/auth.ts';
import { PASSWORD_RULE, passwordProblems, USER_RULE, userNameProblems } from '../lib/auth/password-rules.ts';

/**
 * First run, from the installer's `#setup=<token>` link: choose the administrator's user name and
 * password (twice). The rules are shown up front and each problem is named before anything is sent.
 * `onDone` leaves the setup page: after success, or to log in instead.
 */
export function SetupPage(props: { auth: Auth; setupToken: string; onDone: () => void }) {
  const [user, setUser] = createSignal('admin');
  const [password, setPassword] = createSignal('');
  const [confirm, setConfirm] = createSignal('');
  const [touched, setTouched] = createSignal(false);
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const problems = () => [
    ...userNameProblems(user().trim().toLowerCase()),
    ...passwordProblems(password(), confirm(), user().trim()),
  ];

  const submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    if (busy() || problems().length > 0) return;
    setBusy(true);
    setError('');
    try {
      await props.auth.setup(props.setupToken, user().trim().toLowerCase(), password());
      props.onDone();
    } catch (err) {
      if (!(err instanceof ApiError)) {
        setError(`Unexpected failure: ${String(err)}`);
        return;
      }
      if (err.code === 'setup-token' || err.code === 'setup-done')
        setError(
          'This setup link is not valid any more (already used, or expired). Get a new one on the device, or log in.',
        );
      else setError(err.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="auth-page">
      <form class="auth-card" data-testid="setup-form" onSubmit={(e) => void submit(e)}>
        <h1>Set up this KVM</h1>
        <p>Create the administrator account. Nobody can use the KVM until this is done.</p>
        <label>
          Administrator user name
          <input
            data-testid="setup-user"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            value={user()}
            onInput={(e) => setUser(e.currentTarget.value)}
          />
        </label>
        <small>{USER_RULE}</small>
        <label>
          Password
          <input
            data-testid="setup-password"
            type="password"
            autocomplete="new-password"
            value={password()}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <small>{PASSWORD_RULE}</small>
        <label>
          Password again
          <input
            data-testid="setup-confirm"
            type="password"
            autocomplete="new-password"
            value={confirm()}
            onInput={(e) => setConfirm(e.currentTarget.value)}
          />
        </label>
        <Show when={touched() && problems().length > 0}>
          <ul class="error" data-testid="setup-problems" role="alert">
            <For each={problems()}>{(p) => <li>{p}</li>}</For>
          </ul>
        </Show>
        <Show when={error()}>
          <p class="error" data-testid="setup-error" role="alert">
            {error()}{' '}
            <button type="button" data-testid="setup-leave" onClick={() => props.onDone()}>
              Go to login
            </button>
          </p>
        </Show>
        <button type="submit" data-testid="setup-submit" disabled={busy()}>
          {busy() ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
    </main>
  );
}
