import type { Auth, AuthConfig, Principal, UpgradeCheck } from './index.ts';

export interface AuthOptions {
  log?: (line: string) => void;
}

/** The bridge's side of Auth: what routes.ts and the CLI use on top of the WebSocket interface. */
export interface AuthService extends Auth {
  /** Tells the Host/Origin checks which port (and scheme) the bridge listens on. */
  bind(port: number, tls: boolean): void;
  close(): void;
}

/**
 * Skeleton: the full implementation follows. Refuses every token and every upgrade.
 */
export function createAuth(config: AuthConfig, opts: AuthOptions = {}): AuthService {
  void config;
  void opts;
  const listeners = new Set<(sessionId: string) => void>();
  return {
    verify: (token: string): Principal | undefined => {
      void token;
      return undefined;
    },
    onRevoke: (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    checkUpgrade: (h): UpgradeCheck => {
      void h;
      return { ok: false, status: 403, reason: 'not implemented' };
    },
    setupRequired: () => true,
    bind: () => undefined,
    close: () => listeners.clear(),
  };
}
