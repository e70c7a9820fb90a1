import { render } from 'solid-js/web';
import { registerSW } from 'virtual:pwa-register';
import { App } from './App.tsx';
import './styles.css';

render(() => <App />, document.getElementById('root')!);

// The app shell works offline once installed; the bridge connection obviously needs the network.
registerSW({
  immediate: true,
  onRegisterError: (e: unknown) => console.warn('service worker registration failed', e),
});
