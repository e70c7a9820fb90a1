import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { lookup } from 'mrmime';

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
