import { describe, expect, it, vi } from 'vitest';
import { appInstalled, installOffered, promptInstall, watchInstall } from '../../../web/src/pwa/install.ts';

/** Chromium's beforeinstallprompt, with the user's answer. */
function offer(outcome: 'accepted' | 'dismissed') {
  const e = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
    prompt: vi.fn(() => Promise.resolve()),
    userChoice: Promise.resolve({ outcome, platform: 'web' }),
  });
  return e;
}

describe('the Install button state (beforeinstallprompt, appinstalled)', () => {
  // One sequence: the module keeps one offer per page, as the browser does.
  it('is offered only while the browser offers it, is used up by the prompt, and goes for good once installed', async () => {
    const win = Object.assign(new EventTarget(), { matchMedia: () => ({ matches: false }) });
    watchInstall(win as unknown as Window);
    expect(installOffered()).toBe(false);
    expect(await promptInstall()).toBe('unavailable');

    const first = offer('dismissed');
    win.dispatchEvent(first);
    expect(first.defaultPrevented).toBe(true); // our button, not the browser's infobar
    expect(installOffered()).toBe(true);
    expect(await promptInstall()).toBe('dismissed');
    expect(first.prompt).toHaveBeenCalledOnce();
    expect(installOffered()).toBe(false);

    win.dispatchEvent(offer('accepted'));
    expect(installOffered()).toBe(true);
    win.dispatchEvent(new Event('appinstalled'));
    expect(installOffered()).toBe(false);
    expect(appInstalled()).toBe(true);
    win.dispatchEvent(offer('accepted'));
    expect(installOffered()).toBe(false);
  });
});
