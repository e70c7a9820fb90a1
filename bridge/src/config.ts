import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AuthConfig } from './auth/index.ts';
import { resolveLimits, type Limits } from './control/limits.ts';
import type { HidPaths } from './hid/relay.ts';
import type { VideoSourceConfig } from './video/source.ts';

/** Everything the bridge needs to know about its machine. */
export interface BridgeConfig {
  /** HTTP and WebSocket port; 0 picks a free one. Env PORT, default 8000. */
  port: number;
  /** Listen address. Env HOST, default 0.0.0.0. */
  host: string;
  /** The built PWA (web/dist). */
  staticDir: string;
  hid: HidPaths;
  video: VideoSourceConfig;
  /** Serve HTTPS/WSS with this PEM certificate and key (needed for ImageDecoder off localhost). */
  tls?: { certFile: string; keyFile: string };
  /**
   * Accounts and sessions (always on). loadConfig fills it in (default usersFile
   * /etc/webkvm/users.json); a config built by hand without it gets a fresh private temp dir,
   * so a test bridge starts in setup-required state with no accounts.
   */
  auth?: AuthConfig;
  /** Resource limits (clients, rates, batch length, buffers); see control/limits.ts for defaults. */
  limits?: Partial<Limits>;
  /**
   * Plain-HTTP CA page and HTTPS redirect (bridge/src/http/ca-page.ts), off when absent. `port`
   * (80 on a Pi), `caFile`: the PEM CA certificate to offer (absent or missing file: redirect only).
   */
  caPage?: CaPageConfig;
}

export interface CaPageConfig {
  port: number;
  caFile?: string;
}

/** Defaults for a Raspberry Pi: the gadget's nodes in creation order and uStreamer on loopback. */
export const PI_DEFAULTS: Omit<BridgeConfig, 'port' | 'host' | 'staticDir'> = {
  hid: { keyboard: '/dev/hidg0', mouse: '/dev/hidg1', mouseRel: '/dev/hidg2', udcState: 'auto' },
  video: { kind: 'http', url: 'http://127.0.0.1:8080/stream?extra_headers=1' },
};

export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * The accounts on a Pi: in the bridge's StateDirectory (systemd makes /var/lib/webkvm, owned by
 * the service user), the one place ProtectSystem=strict leaves writable. Sessions and the setup
 * token sit next to it.
 */
export const DEFAULT_USERS_FILE = '/var/lib/webkvm/users.json';

/** The accounts of npm start and of `npm run user` without BRIDGE_CONFIG: .run/auth in the checkout. */
export const DEV_USERS_FILE = fileURLToPath(new URL('../../.run/auth/users.json', import.meta.url));

/** @throws ConfigError for a field of the wrong type */
function authConfig(raw: unknown, env: NodeJS.ProcessEnv): AuthConfig {
  const a = (raw ?? {}) as Record<string, unknown>;
  if (typeof a !== 'object' || Array.isArray(a)) throw new ConfigError('auth must be an object');
  const str = (k: string): string | undefined => {
    const v = a[k];
    if (v !== undefined && typeof v !== 'string') throw new ConfigError(`auth.${k} must be a string`);
    return v;
  };
  const list = (k: string): string[] | undefined => {
    const v = a[k];
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string')))
      throw new ConfigError(`auth.${k} must be an array of strings`);
    return v;
  };
  const ms = (k: string): number | undefined => {
    const v = a[k];
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v > 0))
      throw new ConfigError(`auth.${k} must be a positive integer (ms)`);
    return v;
  };
  const sessionsFile = str('sessionsFile');
  const setupTokenFile = str('setupTokenFile');
  const allowedOrigins = list('allowedOrigins');
  const allowedHosts = list('allowedHosts');
  const sessionTtlMs = ms('sessionTtlMs');
  const idleTtlMs = ms('idleTtlMs');
  return {
    usersFile: env.WEBKVM_USERS ?? str('usersFile') ?? DEFAULT_USERS_FILE,
    ...(sessionsFile && { sessionsFile }),
    ...(setupTokenFile && { setupTokenFile }),
    ...(allowedOrigins && { allowedOrigins }),
    ...(allowedHosts && { allowedHosts }),
    ...(sessionTtlMs && { sessionTtlMs }),
    ...(idleTtlMs && { idleTtlMs }),
  };
}

/** @throws ConfigError for a port outside 0..65535 or a caFile that is not a string */
function caPageConfig(raw: unknown): CaPageConfig {
  const c = raw as Record<string, unknown>;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new ConfigError('caPage must be an object');
  const port = c.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`caPage.port must be 0..65535, got ${JSON.stringify(port)}`);
  if (c.caFile !== undefined && typeof c.caFile !== 'string') throw new ConfigError('caPage.caFile must be a string');
  return { port, ...(typeof c.caFile === 'string' && { caFile: c.caFile }) };
}

/** @throws ConfigError for an unknown limit or one that is not a positive integer */
function limitsConfig(raw: unknown): Limits {
  try {
    return resolveLimits(raw);
  } catch (e) {
    throw new ConfigError(e instanceof Error ? e.message : 'bad limits');
  }
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'config';
}

/**
 * Reads config: a JSON file named by env BRIDGE_CONFIG (fields of BridgeConfig, all optional),
 * then env PORT, HOST and WEBKVM_USERS (auth.usersFile) on top, then the Pi defaults for anything
 * unset.
 * @throws ConfigError for an unreadable file, bad JSON, a bad port or a malformed auth or caPage block
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): BridgeConfig {
  let file: Partial<BridgeConfig> = {};
  if (env.BRIDGE_CONFIG) {
    try {
      file = JSON.parse(readFileSync(env.BRIDGE_CONFIG, 'utf8')) as Partial<BridgeConfig>;
    } catch (e) {
      throw new ConfigError(
        `cannot read BRIDGE_CONFIG ${env.BRIDGE_CONFIG}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  const port = Number(env.PORT ?? file.port ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`PORT must be 0..65535, got ${env.PORT ?? file.port}`);
  return {
    port,
    host: env.HOST ?? file.host ?? '0.0.0.0',
    staticDir: file.staticDir ?? DEFAULT_STATIC_DIR,
    hid: { ...PI_DEFAULTS.hid, ...file.hid },
    video: file.video ?? PI_DEFAULTS.video,
    ...(file.tls && { tls: file.tls }),
    auth: authConfig(file.auth, env),
    ...(file.limits !== undefined && { limits: limitsConfig(file.limits) }),
    ...(file.caPage !== undefined && { caPage: caPageConfig(file.caPage) }),
  };
}
