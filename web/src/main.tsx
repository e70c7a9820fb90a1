import { render } from 'solid-js/web';
import { App } from './App.tsx';
import { watchInstall } from './pwa/install.ts';
import { PwaPrompts } from './pwa/PwaPrompts.tsx';
import { registerServiceWorker } from './pwa/register.ts';
import './styles.css';

// Before the first render: beforeinstallprompt may fire right after load.
watchInstall();
render(
  () => (
    <>
      <App />
      <PwaPrompts />
    </>
  ),
  document.getElementById('root')!,
);
// The installed app opens offline from the service worker's precache (sw.ts).
registerServiceWorker();
