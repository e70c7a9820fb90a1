import { Show } from 'solid-js';
import { swStatus, type SwState } from '../pwa/register.ts';
import './CertificateHint.css';

/**
 * The device's CA page for the name this page was opened by: plain HTTP on port 80
 * (bridge/src/http/ca-page.ts), e.g. `http://kvm.local/`. `hostname` as `location.hostname`
 * gives it (IPv6 literals keep their brackets).
 */
export function caPageUrl(hostname: string): string {
  return `http://${hostname}/`;
}

/**
 * True when the browser does not trust the page's certificate as far as we can tell: not a
 * secure context at all, or HTTPS whose service worker registration failed (Chromium rejects it
 * with SecurityError when the certificate is not trusted, even after the warning was clicked
 * through).
 */
export function certificateUntrusted(s: { state: SwState; secure: boolean; protocol: string }): boolean {
  return !s.secure || (s.state === 'failed' && s.protocol === 'https:');
}

/**
 * A small fixed note that points at the CA page when the certificate is not trusted, so the
 * user can install the device's CA once and get the installable, offline app. Renders nothing
 * otherwise (localhost, a trusted certificate, a browser without service workers).
 */
export function CertificateHint() {
  const url = caPageUrl(location.hostname);
  const show = () =>
    certificateUntrusted({ state: swStatus().state, secure: window.isSecureContext, protocol: location.protocol });
  return (
    <Show when={show()}>
      <p class="cert-hint" role="note" data-testid="cert-hint">
        This browser does not trust the KVM's certificate, so the app cannot be installed or work offline. Trust its CA
        once:{' '}
        <a href={url} target="_blank" rel="noopener" data-testid="cert-hint-link">
          {url}
        </a>
      </p>
    </Show>
  );
}
