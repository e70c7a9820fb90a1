import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { lookup } from 'mrmime';
import type * as uWS from 'uWebSockets.js';
import type { Counters } from './counters.ts';
import { securityHeaders } from './http/headers.ts';
import { Reply } from './http/reply.ts';

export interface StaticFile {
  body: Buffer;
  type: string;
  cacheControl: string;
}

/**
 * Loads the built PWA into memory (a few hundred KB), keyed by URL path. Hashed files under
 * /assets/ are immutable; the HTML, manifest and service worker must revalidate so an update is
 * seen on the next load.
 */
export function loadStatic(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(dir)) return files;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const url = '/' + relative(dir, full).split(sep).join('/');
        files.set(url, {
          body: readFileSync(full),
          type: lookup(name) ?? 'application/octet-stream',
          cacheControl: url.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
      }
    }
  };
  walk(dir);
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}

/**
 * Serves `files` at /* for GET and HEAD (other methods: 405), with the security headers. Client
 * routes (no dot in the last segment) fall back to the app shell; a missing asset is a real 404;
 * with no build at all, 503 says how to make one.
 */
export function mountStatic(
  app: uWS.TemplatedApp,
  files: Map<string, StaticFile>,
  opts: { tls: boolean; hostAllowed: (host: string) => boolean; counters: Counters },
): void {
  app.any('/*', (res, req) => {
    const method = req.getMethod();
    const url = req.getUrl();
    const host = req.getHeader('host');
    const reply = new Reply(
      res,
      method,
      securityHeaders({ tls: opts.tls, host: opts.hostAllowed(host) ? host : undefined }),
    );
    if (method !== 'get' && method !== 'head') {
      opts.counters.inc('http.405');
      reply.send(405, 'method not allowed', 'text/plain; charset=utf-8', [['allow', 'GET, HEAD']]);
      return;
    }
    const file = files.get(url) ?? (url.slice(url.lastIndexOf('/')).includes('.') ? undefined : files.get('/'));
    if (!file) {
      opts.counters.inc('http.404');
      if (files.size === 0) reply.send(503, 'PWA not built: run npm run build', 'text/plain; charset=utf-8');
      else reply.send(404, 'not found', 'text/plain; charset=utf-8');
      return;
    }
    reply.send(200, file.body, file.type, [['cache-control', file.cacheControl]]);
  });
}
