/**
 * The Install button's state: Chromium's `beforeinstallprompt` (WICG Manifest Incubations,
 * "Installation prompts") is kept instead of letting the browser show its own mini-infobar, and
 * offered through `promptInstall()`. `appinstalled` or running as the installed app
 * (`display-mode: standalone`) hides the button for good. Browsers without the event (Firefox,
 * Safari) never show the button; their own "Add to Home Screen" still works from the manifest.
 */
import { createSignal, type Accessor } from 'solid-js';

/** The non-standard event Chromium fires when the app is installable (not in lib.dom). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed'; platform: string }>;
}

export type InstallOutcome = 'accepted' | 'dismissed' | 'unavailable';

const [offer, setOffer] = createSignal<BeforeInstallPromptEvent | null>(null);
const [installed, setInstalled] = createSignal(false);

/** The browser offers installation and the app is not installed (show the Install button). */
export const installOffered: Accessor<boolean> = () => offer() !== null && !installed();
/** The app was installed from this page, or this page runs as the installed app. */
export const appInstalled: Accessor<boolean> = installed;

let watching = false;

/** Starts listening (once; call it early, the event may fire right after load). */
export function watchInstall(win: Window = window): void {
  if (watching) return;
  watching = true;
  setInstalled(win.matchMedia?.('(display-mode: standalone)').matches ?? false);
  win.addEventListener('beforeinstallprompt', (e) => {
    e.preventDefault(); // our button, not the browser's infobar
    setOffer(e as BeforeInstallPromptEvent);
  });
  win.addEventListener('appinstalled', () => {
    setOffer(null);
    setInstalled(true);
  });
}

/**
 * Shows the browser's install dialog. An event can prompt once, so the offer is used up whatever
 * the answer (Chromium fires a new beforeinstallprompt if the user may be asked again).
 */
export async function promptInstall(): Promise<InstallOutcome> {
  const e = offer();
  if (!e) return 'unavailable';
  setOffer(null);
  await e.prompt();
  const choice = await e.userChoice;
  if (choice.outcome === 'accepted') setInstalled(true);
  return choice.outcome;
}
