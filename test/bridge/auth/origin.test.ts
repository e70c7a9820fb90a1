import { describe, expect, it } from 'vitest';
import { HostPolicy, parseHost } from '../../../bridge/src/auth/origin.ts';

const policy = (tls = false, port = 8000, extra = {}) => {
  const p = new HostPolicy({
    hostname: () => 'kvmpi',
    interfaces: () => ['127.0.0.1', '192.168.1.20', '::1', '2001:db8::20'],
    ...extra,
  });
  p.bind(port, tls);
  return p;
};

describe('Host check', () => {
  it.each([
    ['localhost:8000', true],
    ['127.0.0.1:8000', true],
    ['[::1]:8000', true],
    ['kvmpi:8000', true],
    ['KVMPI.local:8000', true],
    ['192.168.1.20:8000', true],
    ['[2001:db8::20]:8000', true],
    ['192.168.1.20:8001', false],
    ['192.168.1.20', false],
    ['evil.example:8000', false],
    ['evil.example', false],
    ['', false],
    ['localhost:8000/x', false],
    ['localhost:99999', false],
  ])('http on 8000: Host %j allowed: %s', (host, ok) => {
    expect(policy().hostAllowed(host)).toBe(ok);
  });

  it('accepts a name without a port on the scheme’s default port', () => {
    expect(policy(true, 443).hostAllowed('kvmpi.local')).toBe(true);
    expect(policy(true, 443).hostAllowed('kvmpi.local:443')).toBe(true);
    expect(policy(false, 443).hostAllowed('kvmpi.local')).toBe(false);
  });

  it('adds allowedHosts: a bare name on any port, name:port on that port only', () => {
    const p = policy(false, 8000, { allowedHosts: ['kvm.example.org', 'proxy.lan:9000'] });
    expect(p.hostAllowed('kvm.example.org')).toBe(true);
    expect(p.hostAllowed('kvm.example.org:1234')).toBe(true);
    expect(p.hostAllowed('proxy.lan:9000')).toBe(true);
    expect(p.hostAllowed('proxy.lan:8000')).toBe(false);
    expect(p.hostAllowed('localhost:8000')).toBe(true);
  });

  it('looks at the interfaces again when an address appears', () => {
    const addrs = ['127.0.0.1'];
    const p = new HostPolicy({ hostname: () => 'h', interfaces: () => addrs });
    p.bind(80, false);
    expect(p.hostAllowed('10.0.0.5')).toBe(false);
    addrs.push('10.0.0.5');
    p.bind(80, false); // (a second later the lookup would happen on its own)
    expect(p.hostAllowed('10.0.0.5')).toBe(true);
  });

  it.each([
    ['localhost:8000', { name: 'localhost', port: 8000 }],
    ['[::1]', { name: '[::1]', port: undefined }],
    ['Example.ORG.', { name: 'example.org', port: undefined }],
    ['a b', undefined],
  ])('parseHost(%j)', (h, want) => {
    expect(parseHost(h)).toEqual(want);
  });
});

describe('WebSocket upgrade check', () => {
  it.each([
    ['http://localhost:8000', 'localhost:8000', true],
    ['http://192.168.1.20:8000', '192.168.1.20:8000', true],
    ['', 'localhost:8000', true],
    ['http://evil.example', 'localhost:8000', false],
    ['http://evil.example:8000', 'localhost:8000', false],
    ['https://localhost:8000', 'localhost:8000', false],
    ['http://127.0.0.1:8000', 'localhost:8000', false],
    ['null', 'localhost:8000', false],
    ['http://localhost:8000', 'evil.example:8000', false],
  ])('Origin %j with Host %j allowed: %s', (origin, host, ok) => {
    const r = policy().checkUpgrade({ origin, host });
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.status).toBe(403);
  });

  it('matches the origin with or without the default port, and allowedOrigins', () => {
    const p = policy(true, 443, { allowedOrigins: ['https://kvm.example.org/'], allowedHosts: ['kvm.example.org'] });
    expect(p.checkUpgrade({ origin: 'https://kvmpi.local', host: 'kvmpi.local' }).ok).toBe(true);
    expect(p.checkUpgrade({ origin: 'https://kvmpi.local', host: 'kvmpi.local:443' }).ok).toBe(true);
    expect(p.checkUpgrade({ origin: 'https://kvm.example.org', host: 'kvm.example.org' }).ok).toBe(true);
    expect(p.checkUpgrade({ origin: 'https://other.example.org', host: 'kvm.example.org' }).ok).toBe(false);
  });
});
