import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readUsbHost } from '../../bridge/src/hid/udc.ts';
import { startBridge } from '../../bridge/src/server.ts';
import { sessionToken } from '../../bridge/src/auth/testing.ts';
import { makeTestCert } from './tls-cert.ts';

describe('USB host state from the UDC', () => {
  const dir = mkdtempSync(join(tmpdir(), 'udc-'));
  it.each([
    ['configured', 'connected'],
    ['not attached', 'disconnected'],
    ['suspended', 'disconnected'],
  ])('reads UDC state %j as %s', (state, host) => {
    writeFileSync(join(dir, 'state'), `${state}\n`);
    expect(readUsbHost(join(dir, 'state'))).toBe(host);
  });

  it('says unknown where there is no UDC', () => {
    expect(readUsbHost(undefined)).toBe('unknown');
    expect(readUsbHost(join(dir, 'missing'))).toBe('unknown');
  });
});

describe('TLS', () => {
  it('serves over https when given a certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-'));
    const tls = makeTestCert(dir);
    const bridge = await startBridge(
      {
        port: 0,
        host: '127.0.0.1',
        staticDir: '/nonexistent',
        tls,
        hid: { keyboard: join(dir, 'k'), mouse: join(dir, 'm'), mouseRel: join(dir, 'r') },
        video: { kind: 'command', argv: ['sleep', '60'] },
      },
      { log: () => undefined },
    );
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const headers = { authorization: `Bearer ${sessionToken(bridge)}` };
        request(
          { host: '127.0.0.1', port: bridge.port, path: '/api/stats', headers, rejectUnauthorized: false },
          (res) => {
            let b = '';
            res.on('data', (d: Buffer) => (b += d.toString()));
            res.on('end', () => resolve(b));
          },
        )
          .on('error', reject)
          .end();
      });
      expect(JSON.parse(body)).toMatchObject({ hid: { keyboard: false, host: 'unknown' } });
    } finally {
      await bridge.close();
    }
  });
});
