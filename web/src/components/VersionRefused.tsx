/**
 * The bridge refused this app's protocol version (close 4000): retrying cannot help, only a
 * reload that fetches the app the device serves now. The service worker is asked to update
 * first, so the reload does not come back from the old precache.
 */
export function VersionRefused() {
  const reload = async (): Promise<void> => {
    try {
      await (await navigator.serviceWorker?.getRegistration())?.update();
    } catch (e) {
      console.warn('service worker update failed; reloading anyway', e);
    }
    location.reload();
  };
  return (
    <div class="refused" role="alertdialog" aria-labelledby="refused-text" data-testid="version-refused">
      <p id="refused-text">This app and the device disagree on the protocol version: reload.</p>
      <button data-testid="reload" onClick={() => void reload()}>
        Reload
      </button>
    </div>
  );
}
