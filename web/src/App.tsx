import { createSignal, Match, onMount, Switch } from 'solid-js';
import { SetupPage } from './components/SetupPage.tsx';
import { LoginPage } from './components/LoginPage.tsx';
import { KvmView } from './KvmView.tsx';
import { ApiError } from './lib/auth/api.ts';
import { makeAuth } from './lib/auth/auth.ts';
import { takeLinkToken } from './lib/auth/fragment.ts';

/**
 * The page's root: the setup page (from a `#setup=` link), the login page while logged out, or
 * the KVM. A `#login=` link (npm start) logs in with its one-time token. Both fragments are
 * stripped from the address bar at once.
 */
export function App() {
  const auth = makeAuth();
  const link = takeLinkToken();
  const [setupToken, setSetupToken] = createSignal(link?.kind === 'setup' ? link.token : '');
  const [linkNotice, setLinkNotice] = createSignal('');
  const [linking, setLinking] = createSignal(link?.kind === 'login');
  onMount(() => {
    if (link?.kind !== 'login') return;
    auth.loginOnce(link.token).then(
      () => setLinking(false),
      (e: unknown) => {
        setLinking(false);
        setLinkNotice(
          e instanceof ApiError && e.code !== 'network'
            ? 'This login link is not valid any more (each link works once). Log in with your password, or get a new link.'
            : `Login link failed: ${e instanceof Error ? e.message : String(e)}`,
        );
      },
    );
  });
  return (
    <Switch>
      <Match when={setupToken()}>
        <SetupPage auth={auth} setupToken={setupToken()} onDone={() => setSetupToken('')} />
      </Match>
      <Match when={linking()}>
        <main class="auth-page" role="status">
          Logging in…
        </main>
      </Match>
      <Match when={auth.session()}>{(s) => <KvmView auth={auth} account={s()} />}</Match>
      <Match when={!auth.session()}>
        <LoginPage auth={auth} notice={auth.endedReason() || linkNotice()} />
      </Match>
    </Switch>
  );
}
