import { describe, expect, it, vi } from 'vitest';
import { ApiError, makeApiClient } from '../../../web/src/lib/auth/api.ts';

type Call = { url: string; init: RequestInit };
function fakeFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const text = body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(status === 204 ? null : text, { status, headers });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

describe('makeApiClient', () => {
  it('sends the token only as a Bearer header, never with cookies', async () => {
    const f = fakeFetch(200, { user: 'alice' });
    const api = makeApiClient({ token: () => 'tok', onUnauthorized: vi.fn(), fetch: f.fetch });
    expect(await api.request('GET', '/api/me')).toEqual({ user: 'alice' });
    const { url, init } = f.calls[0]!;
    expect(url).toBe('/api/me');
    expect(init.credentials).toBe('omit');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer tok');
  });

  it('sends no Authorization header while logged out, and JSON bodies with a content type', async () => {
    const f = fakeFetch(200, { token: 't' });
    const api = makeApiClient({ token: () => '', onUnauthorized: vi.fn(), fetch: f.fetch });
    await api.request('POST', '/api/login', { user: 'a', password: 'b' });
    const h = f.calls[0]!.init.headers as Record<string, string>;
    expect(h.authorization).toBeUndefined();
    expect(h['content-type']).toBe('application/json');
    expect(JSON.parse(String(f.calls[0]!.init.body))).toEqual({ user: 'a', password: 'b' });
  });

  it('resolves undefined for 204', async () => {
    const api = makeApiClient({ token: () => 't', onUnauthorized: vi.fn(), fetch: fakeFetch(204, undefined).fetch });
    expect(await api.request('DELETE', '/api/sessions/x')).toBeUndefined();
  });

  it.each([
    [401, { error: 'bad-credentials', message: 'wrong user or password' }, 'bad-credentials'],
    [403, { error: 'forbidden', message: 'admins only' }, 'forbidden'],
    [403, { error: 'setup-token', message: 'bad setup token' }, 'setup-token'],
    [409, { error: 'exists', message: 'user alice exists' }, 'exists'],
    [500, { error: 'some-new-code', message: 'boom' }, 'http'],
    [502, 'Bad Gateway', 'bad-response'],
  ])('turns HTTP %i %j into ApiError %s', async (status, body, code) => {
    const api = makeApiClient({ token: () => '', onUnauthorized: vi.fn(), fetch: fakeFetch(status, body).fetch });
    const err = await api.request('GET', '/api/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code, status });
  });

  it('reads retryAfterMs from a 429 body, else from Retry-After seconds', async () => {
    const withBody = fakeFetch(
      429,
      { error: 'throttled', message: 'wait', retryAfterMs: 4200 },
      { 'retry-after': '5' },
    );
    const a = makeApiClient({ token: () => '', onUnauthorized: vi.fn(), fetch: withBody.fetch });
    expect(await a.request('POST', '/api/login', {}).catch((e: unknown) => e)).toMatchObject({
      code: 'throttled',
      retryAfterMs: 4200,
    });
    const headerOnly = fakeFetch(429, { error: 'throttled', message: 'wait' }, { 'retry-after': '7' });
    const b = makeApiClient({ token: () => '', onUnauthorized: vi.fn(), fetch: headerOnly.fetch });
    expect(await b.request('POST', '/api/login', {}).catch((e: unknown) => e)).toMatchObject({ retryAfterMs: 7000 });
  });

  it('reports a lost session when a request with a token gets 401, not for a failed login', async () => {
    const onUnauthorized = vi.fn();
    const f = fakeFetch(401, { error: 'unauthorized', message: 'session expired' });
    await makeApiClient({ token: () => 'tok', onUnauthorized, fetch: f.fetch })
      .request('GET', '/api/users')
      .catch(() => undefined);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    const g = fakeFetch(401, { error: 'bad-credentials', message: 'no' });
    await makeApiClient({ token: () => '', onUnauthorized, fetch: g.fetch })
      .request('POST', '/api/login', {})
      .catch(() => undefined);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('turns a network failure into ApiError network', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof globalThis.fetch;
    const err = await makeApiClient({ token: () => '', onUnauthorized: vi.fn(), fetch })
      .request('GET', '/api/auth/state')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'network', status: 0 });
  });
});
