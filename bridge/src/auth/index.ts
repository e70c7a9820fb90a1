/**
 * Accounts, sessions and request checks for the bridge (issue 8). The HTTP API is in
 * routes.ts; this module holds the interface the WebSocket side consumes (see
 * /work/coord/CONTRACT.md, "Bridge-internal interface").
 */

export type Role = 'admin' | 'operator' | 'viewer';

export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer'];

export interface Principal {
  sessionId: string;
  user: string;
  role: Role;
}

export type UpgradeCheck = { ok: true } | { ok: false; status: number; reason: string };

export interface Auth {
  /** Valid token → its principal (also refreshes idle expiry); else undefined. Never throws. */
  verify(token: string): Principal | undefined;
  /** Called with a session id when it is revoked or expires, so its sockets close with 4001. */
  onRevoke(cb: (sessionId: string) => void): () => void;
  /** Upgrade check on Origin and Host headers. */
  checkUpgrade(h: { origin: string; host: string }): UpgradeCheck;
  setupRequired(): boolean;
  /**
   * Activity on an open socket counts as use: pushes the session's idle expiry back (verify() by
   * session id). Call it on the client's messages (the PWA pings every 2 s), or a socket that
   * stays open without HTTP calls is closed with 4001 when the idle time (30 min) runs out.
   * False if the session is gone. (An addition to CONTRACT.md's interface; optional there.)
   */
  touch?(sessionId: string): boolean;
}

/** `BridgeConfig.auth`. */
export interface AuthConfig {
  /** The accounts (JSON, mode 0600). On the Pi /etc/webkvm/users.json. */
  usersFile: string;
  /**
   * Sessions (hashed tokens only), so a restart does not log everyone out. Default: `sessions.json`
   * next to usersFile.
   */
  sessionsFile?: string;
  /** The installer's one-time setup token (hash and expiry). Default: `setup-token.json` next to usersFile. */
  setupTokenFile?: string;
  /** Extra Origins allowed on the WebSocket upgrade, e.g. `https://kvm.example.org`. */
  allowedOrigins?: string[];
  /** Host headers the bridge answers to (`name` or `name:port`). Default: its own names and addresses. */
  allowedHosts?: string[];
  /** Absolute session lifetime, ms (default 12 h). */
  sessionTtlMs?: number;
  /** Idle lifetime, ms, refreshed by every verify() (default 30 min). */
  idleTtlMs?: number;
}

export { createAuth, type AuthService, type AuthOptions } from './service.ts';
