import { createSignal, onMount, Show } from 'solid-js';
import { ApiError } from '../lib/auth/api.ts';
import type { Auth } from '../lib/auth/auth.ts';
import { createNow, secondsUntil } from '../lib/clock.ts';
import { CertificateHint } from './CertificateHint.tsx';

/**
 * User name and password → POST /api/login. Bad credentials are said plainly; throttling (429,
 * `retryAfterMs`) shows a live countdown and keeps the button off until it ends.
 */
export function LoginPage(props: { auth: Auth; notice: string }) {
  const [user, setUser] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal('');
  const [waitUntil, setWaitUntil] = createSignal(0);
  const [busy, setBusy] = createSignal(false);
  const [setupRequired, setSetupRequired] = createSignal(false);
  const now = createNow(250);
  const wait = () => secondsUntil(waitUntil(), now());

  onMount(() => {
    props.auth.state().then(
      (s) => setSetupRequired(s.setupRequired),
      (e: unknown) => console.warn('auth state unavailable', e),
    );
  });

  const submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    if (busy() || wait() > 0) return;
    setBusy(true);
    setError('');
    try {
      await props.auth.login(user().trim().toLowerCase(), password());
    } catch (err) {
      setPassword('');
      if (!(err instanceof ApiError)) {
        setError(`Unexpected failure: ${String(err)}`);
        return;
      }
      if (err.retryAfterMs > 0) setWaitUntil(Date.now() + err.retryAfterMs);
      if (err.code === 'bad-credentials') setError('Wrong user name or password.');
      else if (err.code === 'throttled') setError('');
      else if (err.code === 'setup-required') setSetupRequired(true);
      else setError(err.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="auth-page">
      <CertificateHint />
      <form class="auth-card" data-testid="login-form" onSubmit={(e) => void submit(e)}>
        <h1>KVM login</h1>
        <Show when={props.notice}>
          <p class="notice" data-testid="login-notice" role="status">
            {props.notice}
          </p>
        </Show>
        <Show when={setupRequired()}>
          <p class="notice" data-testid="login-setup-required" role="status">
            This KVM has no administrator yet. Open the setup link printed on the device's console (or in its log) to
            create one.
          </p>
        </Show>
        <label>
          User name
          <input
            data-testid="login-user"
            name="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            required
            value={user()}
            onInput={(e) => setUser(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            data-testid="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password()}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <Show when={error()}>
          <p class="error" data-testid="login-error" role="alert">
            {error()}
          </p>
        </Show>
        <Show when={wait() > 0}>
          <p class="error" data-testid="login-wait" role="alert" data-seconds={wait()}>
            Too many attempts: wait {wait()} s before trying again.
          </p>
        </Show>
        <button type="submit" data-testid="login-submit" disabled={busy() || wait() > 0}>
          {busy() ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
