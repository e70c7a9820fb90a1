/**
 * The auth HTTP API and the request checks, against a real bridge on a free port: setup gating,
 * login and throttling, sessions, roles, Host and Origin checks, and the headers on every reply.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { writeSetupToken } from '../../../bridge/src/auth/onetime.ts';
import {
  baseUrl,
  createUsers,
  login,
  loginOnce,
  makeAuthDir,
  sessionToken,
  TEST_AUTH_OPTIONS,
} from '../../../bridge/src/auth/testing.ts';
import { startBridge, type Bridge } from '../../../bridge/src/server.ts';
import { makeTestCert } from '../tls-cert.ts';

const hid = { keyboard: '/dev/null', mouse: '/dev/null', mouseRel: '/dev/null' };

async function start(dir: ReturnType<typeof makeAuthDir>, extra = {}): Promise<Bridge> {
  const staticDir = join(dir.dir, 'dist');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>KVM</title>');
  writeFileSync(join(staticDir, 'assets', 'app-1234.js'), 'console.log(1)');
  return startBridge(
    {
      port: 0,
      host: '127.0.0.1',
      staticDir,
      hid,
      video: { kind: 'command', argv: ['sleep', '600'] },
      auth: dir.config,
    },
    { log: () => undefined, auth: { ...TEST_AUTH_OPTIONS, ...extra } },
  );
}

/** node:http, because fetch may not set Host. */
function raw(
  port: number,
  path: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const json = (token?: string): Record<string, string> => ({
  'content-type': 'application/json',
  ...(token && { authorization: `Bearer ${token}` }),
});

describe('before the first admin exists', () => {
  const dir = makeAuthDir();
  let bridge: Bridge;
  let base: string;
  beforeAll(async () => {
    bridge = await start(dir);
    base = baseUrl(bridge);
  });
  afterAll(async () => {
    await bridge.close();
    dir.cleanup();
  });

  it('says setup is required, and every other API route answers 403 setup-required', async () => {
    expect(await (await fetch(`${base}/api/auth/state`)).json()).toEqual({ setupRequired: true });
    for (const [method, path] of [
      ['GET', '/api/stats'],
      ['GET', '/api/me'],
      ['POST', '/api/login'],
      ['GET', '/api/users'],
    ] as const) {
      const r = await fetch(`${base}${path}`, { method, headers: json(), ...(method === 'POST' && { body: '{}' }) });
      expect(r.status, path).toBe(403);
      expect(await r.json()).toMatchObject({ error: 'setup-required' });
    }
  });

  it('refuses the WebSocket before the upgrade', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/ws`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(403);
  });

  it('refuses a wrong, then takes the right setup token once, making the first admin', async () => {
    const bad = await fetch(`${base}/api/setup`, {
      method: 'POST',
      headers: json(),
      body: JSON.stringify({ setupToken: 'x'.repeat(43), user: 'root', password: 'correct horse' }),
    });
    expect(bad.status).toBe(403);
    expect(await bad.json()).toMatchObject({ error: 'setup-token' });

    const { token } = writeSetupToken(join(dir.dir, 'setup-token.json'));
    const weak = await fetch(`${base}/api/setup`, {
      method: 'POST',
      headers: json(),
      body: JSON.stringify({ setupToken: token, user: 'root', password: 'short' }),
    });
    expect(weak.status).toBe(400); // a bad password does not use the link up
    const ok = await fetch(`${base}/api/setup`, {
      method: 'POST',
      headers: json(),
      body: JSON.stringify({ setupToken: token, user: 'Root', password: 'correct horse' }),
    });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { token: string; user: string; role: string; expiresAt: number };
    expect(body).toMatchObject({ user: 'root', role: 'admin', idleTimeoutMs: 30 * 60 * 1000 });
    expect(body.expiresAt).toBeGreaterThan(Date.now() + 11 * 3600_000);
    const again = await fetch(`${base}/api/setup`, {
      method: 'POST',
      headers: json(),
      body: JSON.stringify({ setupToken: token, user: 'evil', password: 'correct horse' }),
    });
    expect(again.status).toBe(403);
    expect(await (await fetch(`${base}/api/auth/state`)).json()).toEqual({ setupRequired: false });
    const me = await fetch(`${base}/api/me`, { headers: json(body.token) });
    expect(await me.json()).toMatchObject({ user: 'root', role: 'admin' });
  });
});

describe('with accounts', () => {
  const dir = makeAuthDir();
  let bridge: Bridge;
  let base: string;
  let admin: string;
  beforeAll(async () => {
    await createUsers(dir.config.usersFile, [
      { user: 'admin', password: 'admin-password', role: 'admin' },
      { user: 'op', password: 'operator-password', role: 'operator' },
      { user: 'view', password: 'viewer-password', role: 'viewer' },
    ]);
    bridge = await start(dir);
    base = baseUrl(bridge);
    admin = (await login(base, 'admin', 'admin-password')).token;
  });
  afterAll(async () => {
    await bridge.close();
    dir.cleanup();
  });

  it('answers /api/stats with 401 without a token (and a bad one), 200 with one', async () => {
    const none = await fetch(`${base}/api/stats`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.json()).toMatchObject({ error: 'unauthorized' });
    expect((await fetch(`${base}/api/stats`, { headers: json('A'.repeat(43)) })).status).toBe(401);
    expect((await fetch(`${base}/api/stats?token=${admin}`)).status).toBe(401);
    const ok = await fetch(`${base}/api/stats`, { headers: json(admin) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toHaveProperty('counters');
  });

  it('logs in, answers a wrong password with 401 bad-credentials, and validates the body', async () => {
    const bad = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: json(),
      body: JSON.stringify({ user: 'view', password: 'nope-nope' }),
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: 'bad-credentials' });
    expect((await login(base, 'VIEW', 'viewer-password')).role).toBe('viewer');
    for (const [body, type, status] of [
      ['{"user":1}', 'application/json', 400],
      ['not json', 'application/json', 400],
      ['[]', 'application/json', 400],
      ['{}', 'text/plain', 415],
      [JSON.stringify({ user: 'a', password: 'x'.repeat(20_000) }), 'application/json', 413],
    ] as const) {
      const r = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': type }, body });
      expect(r.status, body.slice(0, 20)).toBe(status);
      expect(((await r.json()) as { error: string }).error).toBeTruthy();
    }
  });

  it('one-time login links work once', async () => {
    const t = bridge.oneTimeLogin({ user: 'op' });
    expect((await loginOnce(base, t)).user).toBe('op');
    await expect(loginOnce(base, t)).rejects.toThrow(/401 bad-credentials/);
  });

  it('enforces roles: viewers and operators get 403 on admin routes', async () => {
    const op = (await login(base, 'op', 'operator-password')).token;
    const view = (await login(base, 'view', 'viewer-password')).token;
    for (const t of [op, view]) {
      const r = await fetch(`${base}/api/users`, { headers: json(t) });
      expect(r.status).toBe(403);
      expect(await r.json()).toMatchObject({ error: 'forbidden' });
      const p = await fetch(`${base}/api/users`, {
        method: 'POST',
        headers: json(t),
        body: JSON.stringify({ user: 'x', password: 'password1', role: 'admin' }),
      });
      expect(p.status).toBe(403);
      expect((await fetch(`${base}/api/stats`, { headers: json(t) })).status).toBe(200);
    }
  });

  it('lets admins manage users: add, change, delete; a changed user’s sessions end', async () => {
    const add = await fetch(`${base}/api/users`, {
      method: 'POST',
      headers: json(admin),
      body: JSON.stringify({ user: 'carol', password: 'carol-password', role: 'viewer' }),
    });
    expect(add.status).toBe(201);
    expect(await add.json()).toMatchObject({ user: 'carol', role: 'viewer', hasPassword: true });
    const dup = await fetch(`${base}/api/users`, {
      method: 'POST',
      headers: json(admin),
      body: JSON.stringify({ user: 'carol', password: 'carol-password', role: 'viewer' }),
    });
    expect(dup.status).toBe(409);
    const carol = (await login(base, 'carol', 'carol-password')).token;
    const revoked: string[] = [];
    const off = bridge.auth.onRevoke((id) => revoked.push(id));
    const patch = await fetch(`${base}/api/users/carol`, {
      method: 'PATCH',
      headers: json(admin),
      body: JSON.stringify({ role: 'operator' }),
    });
    expect(await patch.json()).toMatchObject({ user: 'carol', role: 'operator' });
    expect(revoked).toHaveLength(1);
    expect((await fetch(`${base}/api/me`, { headers: json(carol) })).status).toBe(401);
    const list = (await (await fetch(`${base}/api/users`, { headers: json(admin) })).json()) as { user: string }[];
    expect(list.map((u) => u.user)).toContain('carol');
    expect(JSON.stringify(list)).not.toContain('salt');
    expect((await fetch(`${base}/api/users/carol`, { method: 'DELETE', headers: json(admin) })).status).toBe(204);
    expect((await fetch(`${base}/api/users/carol`, { method: 'DELETE', headers: json(admin) })).status).toBe(404);
    off();
  });

  it('keeps your own session when you change your own password', async () => {
    const mine = (await login(base, 'admin', 'admin-password')).token;
    const r = await fetch(`${base}/api/users/admin`, {
      method: 'PATCH',
      headers: json(mine),
      body: JSON.stringify({ password: 'admin-password2' }),
    });
    expect(r.status).toBe(200);
    expect((await fetch(`${base}/api/me`, { headers: json(mine) })).status).toBe(200);
    expect((await fetch(`${base}/api/me`, { headers: json(admin) })).status).toBe(401); // the other one ended
    admin = mine;
    const last = await fetch(`${base}/api/users/admin`, { method: 'DELETE', headers: json(admin) });
    expect(last.status).toBe(409);
    expect(await last.json()).toMatchObject({ error: 'last-admin' });
  });

  it('lists sessions (admins all, others their own), revokes one, and logout ends the current one', async () => {
    const view = (await login(base, 'view', 'viewer-password')).token;
    const mine = (await (await fetch(`${base}/api/sessions`, { headers: json(view) })).json()) as {
      id: string;
      user: string;
      current: boolean;
    }[];
    expect(mine.every((s) => s.user === 'view')).toBe(true);
    expect(mine.filter((s) => s.current)).toHaveLength(1);
    const all = (await (await fetch(`${base}/api/sessions`, { headers: json(admin) })).json()) as {
      id: string;
      user: string;
    }[];
    expect(new Set(all.map((s) => s.user)).size).toBeGreaterThan(1);
    const adminSession = all.find((s) => s.user === 'admin')!;
    // A viewer cannot end someone else's session: it does not exist for them.
    expect(
      (await fetch(`${base}/api/sessions/${adminSession.id}`, { method: 'DELETE', headers: json(view) })).status,
    ).toBe(404);
    const other = mine.find((s) => !s.current);
    if (other)
      expect((await fetch(`${base}/api/sessions/${other.id}`, { method: 'DELETE', headers: json(admin) })).status).toBe(
        204,
      );
    expect((await fetch(`${base}/api/logout`, { method: 'POST', headers: json(view) })).status).toBe(204);
    expect((await fetch(`${base}/api/me`, { headers: json(view) })).status).toBe(401);
  });

  it('answers an unknown API path with a JSON 404 and a wrong method with 405 + Allow', async () => {
    const nf = await fetch(`${base}/api/nope`, { headers: json(admin) });
    expect(nf.status).toBe(404);
    expect(await nf.json()).toMatchObject({ error: 'not-found' });
    const na = await fetch(`${base}/api/stats`, { method: 'DELETE', headers: json(admin) });
    expect(na.status).toBe(405);
    expect(na.headers.get('allow')).toBe('GET, HEAD');
  });

  it('refuses an API request whose Host is not the bridge’s (DNS rebinding)', async () => {
    const r = await raw(bridge.port, '/api/auth/state', { host: 'evil.example' });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body)).toMatchObject({ error: 'bad-host' });
    const ok = await raw(bridge.port, '/api/auth/state', { host: `localhost:${bridge.port}` });
    expect(ok.status).toBe(200);
  });

  it.each([
    ['/', 200],
    ['/assets/app-1234.js', 200],
    ['/some/client/route', 200],
    ['/missing.png', 404],
    ['/api/stats', 401],
    ['/api/auth/state', 200],
  ])('%s (%i) carries the security headers and no uWebSockets banner', async (path, status) => {
    const r = await fetch(`${base}${path}`);
    expect(r.status).toBe(status);
    const csp = r.headers.get('content-security-policy') ?? '';
    for (const d of [
      "default-src 'self'",
      "script-src 'self'",
      `connect-src 'self' ws://127.0.0.1:${bridge.port}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "img-src 'self' blob: data:",
    ])
      expect(csp).toContain(d);
    expect(csp).not.toContain('unsafe-inline');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(r.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(r.headers.get('permissions-policy')).toMatch(/camera=\(\).*fullscreen=\(self\)/);
    expect(r.headers.get('strict-transport-security')).toBeNull(); // plain HTTP
    expect(r.headers.get('uwebsockets')).toBeNull();
    const names: string[] = [];
    r.headers.forEach((_v, k) => names.push(k));
    expect(names.join(' ')).not.toMatch(/uwebsockets|server|x-powered-by/i);
  });

  it('answers HEAD like GET without a body, on static files and the API', async () => {
    for (const [path, headers] of [
      ['/', {}],
      ['/assets/app-1234.js', {}],
      ['/api/me', json(admin)],
    ] as const) {
      const get = await fetch(`${base}${path}`, { headers });
      const head = await fetch(`${base}${path}`, { method: 'HEAD', headers });
      expect(head.status, path).toBe(get.status);
      expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
      expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
      expect(await head.text()).toBe('');
    }
    expect((await fetch(`${base}/`, { method: 'PUT' })).status).toBe(405);
  });
});

describe('login throttling over HTTP', () => {
  const dir = makeAuthDir();
  let bridge: Bridge;
  let base: string;
  beforeAll(async () => {
    await createUsers(dir.config.usersFile, [
      { user: 'admin', password: 'admin-password', role: 'admin' },
      { user: 'bob', password: 'bob-password', role: 'viewer' },
    ]);
    bridge = await start(dir, { throttle: { baseMs: 2000 } });
    base = baseUrl(bridge);
  });
  afterAll(async () => {
    await bridge.close();
    dir.cleanup();
  });
  const attempt = (user: string, password: string) =>
    fetch(`${base}/api/login`, { method: 'POST', headers: json(), body: JSON.stringify({ user, password }) });

  it('locks after the 5th failure with 429, retryAfterMs and Retry-After, and counts failures', async () => {
    for (let i = 1; i <= 4; i++) expect((await attempt('bob', 'wrong-password')).status).toBe(401);
    const fifth = await attempt('bob', 'wrong-password');
    expect(fifth.status).toBe(401);
    expect(await fifth.json()).toMatchObject({ error: 'bad-credentials', retryAfterMs: 2000 });
    const locked = await attempt('bob', 'bob-password'); // even the right password waits
    expect(locked.status).toBe(429);
    const body = (await locked.json()) as { error: string; retryAfterMs: number };
    expect(body.error).toBe('throttled');
    expect(body.retryAfterMs).toBeGreaterThan(1000);
    expect(body.retryAfterMs).toBeLessThanOrEqual(2000);
    expect(locked.headers.get('retry-after')).toBe('2');
    expect(bridge.counters.get('auth.login_failed')).toBe(5);
    expect(bridge.counters.get('auth.login_throttled')).toBe(1);
    // The address is locked for every user, too.
    expect((await attempt('admin', 'admin-password')).status).toBe(429);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await attempt('bob', 'bob-password')).status).toBe(200);
  });
});

describe('WebSocket Origin and Host', () => {
  const dir = makeAuthDir();
  let bridge: Bridge;
  beforeAll(async () => {
    bridge = await start(dir);
    sessionToken(bridge); // an admin exists: the socket is open for business
  });
  afterAll(async () => {
    await bridge.close();
    dir.cleanup();
  });

  const tryOpen = (headers: Record<string, string>) =>
    new Promise<{ status: number; body: string; csp: string | undefined }>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/ws`, { headers });
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, csp: res.headers['content-security-policy'] as string }),
        );
      });
      ws.on('open', () => {
        ws.close();
        resolve({ status: 101, body: '', csp: undefined });
      });
      ws.on('error', () => undefined);
    });

  it('refuses a real ws client with Origin http://evil.example with 403 before the upgrade', async () => {
    const r = await tryOpen({ origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/Origin/);
    expect(r.csp).toContain("frame-ancestors 'none'");
    expect(bridge.counters.get('auth.upgrade_refused')).toBeGreaterThan(0);
  });

  it('refuses a foreign Host with 403', async () => {
    expect((await tryOpen({ host: 'evil.example' })).status).toBe(403);
  });

  it('upgrades with the bridge’s own origin, and without an Origin (not a browser)', async () => {
    expect((await tryOpen({ origin: `http://127.0.0.1:${bridge.port}` })).status).toBe(101);
    expect((await tryOpen({})).status).toBe(101);
  });
});

describe('over TLS', () => {
  const dir = makeAuthDir();
  let bridge: Bridge;
  beforeAll(async () => {
    const { certFile: cert, keyFile: key } = makeTestCert(dir.dir);
    bridge = await startBridge(
      {
        port: 0,
        host: '127.0.0.1',
        staticDir: '/nonexistent',
        hid,
        video: { kind: 'command', argv: ['sleep', '600'] },
        tls: { certFile: cert, keyFile: key },
        auth: dir.config,
      },
      { log: () => undefined, auth: TEST_AUTH_OPTIONS },
    );
  });
  afterAll(async () => {
    await bridge.close();
    dir.cleanup();
  });

  it('sends HSTS and allows only the wss: origin in connect-src', async () => {
    const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
      httpsRequest(
        { host: '127.0.0.1', port: bridge.port, path: '/api/auth/state', rejectUnauthorized: false },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers));
        },
      )
        .on('error', reject)
        .end();
    });
    expect(headers['strict-transport-security']).toBe('max-age=15552000');
    expect(headers['content-security-policy']).toContain(`connect-src 'self' wss://127.0.0.1:${bridge.port};`);
    expect(headers.uwebsockets).toBeUndefined();
  });
});
