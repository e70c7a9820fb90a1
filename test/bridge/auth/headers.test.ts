import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, securityHeaders } from '../../../bridge/src/http/headers.ts';

describe('security headers', () => {
  it('add HSTS and a wss: connect-src over TLS only', () => {
    const tls = new Map(securityHeaders({ tls: true, host: 'kvm.local' }));
    expect(tls.get('strict-transport-security')).toBe('max-age=15552000');
    expect(tls.get('content-security-policy')).toContain("connect-src 'self' wss://kvm.local;");
    const plain = new Map(securityHeaders({ tls: false, host: 'kvm.local:8000' }));
    expect(plain.has('strict-transport-security')).toBe(false);
    expect(plain.get('content-security-policy')).toContain("connect-src 'self' ws://kvm.local:8000;");
  });

  it('leave a Host the bridge does not answer to out of the CSP', () => {
    expect(contentSecurityPolicy({ tls: false })).toContain("connect-src 'self';");
  });
});
