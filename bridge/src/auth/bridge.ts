import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Counters } from '../counters.ts';
import type { AuthConfig } from './index.ts';
import { createAuth, type AuthOptions, type AuthService } from './service.ts';

/**
 * The bridge's Auth. Without `config` (a BridgeConfig built by hand, as tests do) the accounts go
 * to a fresh private temp dir, removed by dispose(): still on, with no users (setup required)
 * until someone calls oneTimeLogin().
 */
export function authForBridge(
  config: AuthConfig | undefined,
  opts: AuthOptions & { counters: Counters; log: (line: string) => void },
): { auth: AuthService; dispose(): void } {
  const temp = config ? undefined : mkdtempSync(join(tmpdir(), 'webkvm-auth-'));
  const auth = createAuth(config ?? { usersFile: join(temp as string, 'users.json') }, {
    ...opts,
    log: (line) => opts.log(`auth: ${line}`),
  });
  return {
    auth,
    dispose: () => {
      auth.close();
      if (temp) rmSync(temp, { recursive: true, force: true });
    },
  };
}
