/**
 * The HTTP API under /api/* (CONTRACT.md, "Auth HTTP API"): one uWS `any` route, a small table of
 * method + path → handler, and the checks every request goes through in this order: Host
 * (DNS rebinding) → route → setup-required gate → Bearer token → role → JSON body.
 */
import type * as uWS from 'uWebSockets.js';
import { readJsonBody } from '../http/body.ts';
import { securityHeaders } from '../http/headers.ts';
import { Reply } from '../http/reply.ts';
import { addUser, changeUser, deleteUser, userInfo } from './accounts.ts';
import { AuthError, errorMessage } from './errors.ts';
import type { Principal, Role } from './index.ts';
import type { AuthService, LoginResult } from './service.ts';
import type { SessionRecord } from './sessions.ts';

/**
 * Who may call a route: 'public' always; 'pre-setup' also before the first admin exists;
 * 'login' without a token but only after setup; a Role: a session with at least that role.
 */
export type Access = 'public' | 'pre-setup' | 'login' | Role;

export interface ApiRequest {
  reply: Reply;
  ip: string;
  /** Path parameters (decoded), in order. */
  params: string[];
  body: Record<string, unknown>;
  principal: Principal | undefined;
  session: SessionRecord | undefined;
}

export interface ApiResponse {
  status: number;
  /** Omitted (or undefined) for an empty reply. */
  body?: unknown;
}

export interface ApiRoute {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Matched against the path (no query); capture groups become params. */
  path: RegExp;
  access: Access;
  /** Reads a JSON object body first (POST/PATCH). */
  body?: boolean;
  handler: (req: ApiRequest) => ApiResponse | Promise<ApiResponse>;
}

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

function bearer(header: string): string | undefined {
  const m = /^Bearer ([A-Za-z0-9_-]{1,256})$/i.exec(header.trim());
  return m?.[1];
}

const ok = (body: unknown): ApiResponse => ({ status: 200, body });
const noContent: ApiResponse = { status: 204 };

function authRoutes(auth: AuthService): ApiRoute[] {
  const login = (r: LoginResult): ApiResponse => ok(r);
  const sessionView = (s: SessionRecord, current: string | undefined) => ({
    id: s.id,
    user: s.user,
    createdAt: s.createdAt,
    lastUsedAt: s.lastUsedAt,
    expiresAt: s.expiresAt,
    idleExpiresAt: s.lastUsedAt + auth.sessions.idleMs,
    current: s.id === current,
  });
  return [
    {
      method: 'get',
      path: /^\/api\/auth\/state$/,
      access: 'public',
      handler: () => ok({ setupRequired: auth.setupRequired() }),
    },
    {
      method: 'post',
      path: /^\/api\/setup$/,
      access: 'pre-setup',
      body: true,
      handler: async ({ body, ip }) => login(await auth.setup(body.setupToken, body.user, body.password, ip)),
    },
    {
      method: 'post',
      path: /^\/api\/login$/,
      access: 'login',
      body: true,
      handler: async ({ body, ip }) => {
        if (typeof body.user !== 'string' || typeof body.password !== 'string')
          throw new AuthError('bad-request', 'send { "user": string, "password": string }');
        return login(await auth.login(body.user, body.password, ip));
      },
    },
    {
      method: 'post',
      path: /^\/api\/login\/once$/,
      access: 'pre-setup',
      body: true,
      handler: ({ body, ip }) => login(auth.loginOnce(body.oneTimeToken, ip)),
    },
    {
      method: 'post',
      path: /^\/api\/logout$/,
      access: 'viewer',
      handler: ({ principal }) => {
        if (principal) auth.sessions.revoke(principal.sessionId, 'logout');
        return noContent;
      },
    },
    {
      method: 'get',
      path: /^\/api\/me$/,
      access: 'viewer',
      handler: ({ principal, session }) =>
        ok({
          user: principal?.user,
          role: principal?.role,
          sessionId: principal?.sessionId,
          expiresAt: session?.expiresAt,
        }),
    },
    {
      method: 'get',
      path: /^\/api\/sessions$/,
      access: 'viewer',
      handler: ({ principal }) =>
        ok(
          auth.sessions
            .list()
            .filter((s) => principal?.role === 'admin' || s.user === principal?.user)
            .map((s) => sessionView(s, principal?.sessionId)),
        ),
    },
    {
      method: 'delete',
      path: /^\/api\/sessions\/([A-Za-z0-9_-]{1,64})$/,
      access: 'viewer',
      handler: ({ principal, params }) => {
        const s = auth.sessions.get(params[0] ?? '');
        // Someone else's session is "not found" to a non-admin: no oracle for ids.
        if (!s || (principal?.role !== 'admin' && s.user !== principal?.user))
          throw new AuthError('not-found', 'no such session');
        auth.sessions.revoke(s.id, principal?.sessionId === s.id ? 'logout' : 'revoked');
        return noContent;
      },
    },
    {
      method: 'get',
      path: /^\/api\/users$/,
      access: 'admin',
      handler: () => ok(auth.users.list().map(userInfo)),
    },
    {
      method: 'post',
      path: /^\/api\/users$/,
      access: 'admin',
      body: true,
      handler: async ({ body }) => ({
        status: 201,
        body: userInfo(await addUser(auth.users, auth.hasher, body.user, body.password, body.role)),
      }),
    },
    {
      method: 'patch',
      path: /^\/api\/users\/([^/]{1,64})$/,
      access: 'admin',
      body: true,
      handler: async ({ body, params, session }) => {
        const u = await changeUser(auth.users, auth.hasher, params[0], body, (epoch) => {
          // Your own new password: this session carries on, the others end.
          if (session && session.user === params[0]?.trim().toLowerCase()) session.epoch = epoch;
        });
        return ok(userInfo(u));
      },
    },
    {
      method: 'delete',
      path: /^\/api\/users\/([^/]{1,64})$/,
      access: 'admin',
      handler: ({ params }) => {
        deleteUser(auth.users, params[0]);
        return noContent;
      },
    },
  ];
}

export interface ApiDeps {
  auth: AuthService;
  tls: boolean;
  /** More routes (the bridge's /api/stats). */
  routes?: ApiRoute[];
  log?: (key: string, line: string) => void;
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch (e) {
    void e; // malformed %-escape: the caller answers 400
    return undefined;
  }
}

/** Registers `/api/*` on `app`. */
export function mountApi(app: uWS.TemplatedApp, deps: ApiDeps): void {
  const { auth } = deps;
  const log = deps.log ?? (() => undefined);
  const routes = [...authRoutes(auth), ...(deps.routes ?? [])];

  app.any('/api/*', (res, req) => {
    // uWS's req lives only until the first await: copy what we need.
    const method = req.getMethod();
    const path = req.getUrl();
    const host = req.getHeader('host');
    const authorization = req.getHeader('authorization');
    const contentType = req.getHeader('content-type');
    const ip = Buffer.from(res.getRemoteAddressAsText()).toString();
    const hostOk = auth.hosts.hostAllowed(host);
    const reply = new Reply(res, method, securityHeaders({ tls: deps.tls, host: hostOk ? host : undefined }));
    const fail = (e: unknown): void => {
      if (e instanceof AuthError) {
        if (e.message === 'aborted') return;
        auth.counters.inc(`http.api.${e.code}`);
        const extra: [string, string][] = [];
        const retry = e.extra.retryAfterMs;
        if (typeof retry === 'number') extra.push(['retry-after', String(Math.max(1, Math.ceil(retry / 1000)))]);
        if (e.code === 'unauthorized') extra.push(['www-authenticate', 'Bearer']);
        if (e.code === 'busy') extra.push(['retry-after', '1']);
        const close = e.code === 'too-large' || e.code === 'unsupported-media-type';
        reply.json(e.status, { error: e.code, message: e.message, ...e.extra }, extra, close);
        return;
      }
      auth.counters.inc('http.api.internal');
      log('api-internal', `${method} ${path}: ${errorMessage(e)}`);
      reply.error(500, 'internal', 'the bridge failed on this request; see its log');
    };

    try {
      if (!hostOk) throw new AuthError('bad-host', `Host "${host.slice(0, 100)}" is not one this bridge answers to`);
      const want = method === 'head' ? 'get' : method;
      const matches = routes.filter((r) => r.path.test(path));
      if (matches.length === 0) throw new AuthError('not-found', `no API route ${path.slice(0, 100)}`);
      const route = matches.find((r) => r.method === want);
      if (!route) {
        auth.counters.inc('http.api.method-not-allowed');
        const allow = [
          ...new Set(matches.flatMap((r) => (r.method === 'get' ? ['GET', 'HEAD'] : [r.method.toUpperCase()]))),
        ];
        reply.error(405, 'method-not-allowed', `${method.toUpperCase()} is not allowed here`, {}, [
          ['allow', allow.join(', ')],
        ]);
        return;
      }
      const params = (route.path.exec(path) ?? []).slice(1).map((p) => decode(p));
      if (params.some((p) => p === undefined)) throw new AuthError('bad-request', 'malformed %-escape in the path');
      if (route.access !== 'public' && route.access !== 'pre-setup' && auth.setupRequired())
        throw new AuthError('setup-required', 'no admin account yet: open the setup link the installer printed');
      let principal: Principal | undefined;
      let session: SessionRecord | undefined;
      if (route.access !== 'public' && route.access !== 'pre-setup' && route.access !== 'login') {
        const token = bearer(authorization);
        principal = token === undefined ? undefined : auth.verify(token);
        session = principal && auth.sessions.get(principal.sessionId);
        if (!principal || !session) {
          auth.counters.inc('auth.unauthorized');
          throw new AuthError('unauthorized', 'log in first: send Authorization: Bearer <token>');
        }
        if (RANK[principal.role] < RANK[route.access]) {
          auth.counters.inc('auth.forbidden');
          throw new AuthError('forbidden', `needs the ${route.access} role; you are ${principal.role}`);
        }
      }
      const body = route.body ? readJsonBody(reply, contentType) : Promise.resolve({});
      body
        .then((b) => route.handler({ reply, ip, params: params as string[], body: b, principal, session }))
        .then((r) => (r.body === undefined ? reply.empty(r.status) : reply.json(r.status, r.body)), fail);
    } catch (e) {
      fail(e);
    }
  });
}
