import { hostname, networkInterfaces } from 'node:os';
import type { UpgradeCheck } from './index.ts';

export interface HostPolicyOptions {
  /** Extra Host values (`name` matches any port, `name:port` only that port). Added to the defaults. */
  allowedHosts?: string[];
  /** Extra Origins allowed on the WebSocket upgrade, e.g. `https://kvm.example.org`. */
  allowedOrigins?: string[];
  /** Test hooks. */
  hostname?: () => string;
  interfaces?: () => string[];
}

let warnedInterfaces = false;

/**
 * The machine's interface addresses, link-local left out. os.networkInterfaces() needs a netlink
 * socket: under a systemd unit whose RestrictAddressFamilies lacks AF_NETLINK it throws
 * (EAFNOSUPPORT). Then the bridge still answers to its names and loopback, and says why once.
 */
function interfaceAddresses(): string[] {
  let lists: ReturnType<typeof networkInterfaces>;
  try {
    lists = networkInterfaces();
  } catch (e) {
    if (!warnedInterfaces) {
      warnedInterfaces = true;
      const why = e instanceof Error ? e.message : String(e);
      console.warn(`[bridge] cannot list network interfaces (${why.slice(0, 200)}): the Host check knows only names`);
    }
    return [];
  }
  const out: string[] = [];
  for (const list of Object.values(lists))
    for (const a of list ?? []) if (!a.address.startsWith('fe80:')) out.push(a.address);
  return out;
}

/** `[v6]` for an IPv6 literal, else the name, lower-case. */
function bracket(h: string): string {
  const l = h.toLowerCase();
  return l.includes(':') && !l.startsWith('[') ? `[${l}]` : l;
}

/** scheme://host[:port] as the URL standard serialises an origin (default port dropped); undefined for junk. */
export function canonicalOrigin(origin: string): string | undefined {
  if (!/^https?:\/\/[^/?#]+$/i.test(origin.replace(/\/$/, ''))) return undefined;
  return URL.canParse(origin) ? new URL(origin).origin : undefined;
}

/** Splits a Host header into name and port (undefined when absent). Undefined for junk. */
export function parseHost(host: string): { name: string; port: number | undefined } | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  if (!m?.[1]) return undefined;
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && port > 65535) return undefined;
  return { name: m[1].toLowerCase().replace(/\.$/, ''), port };
}

/**
 * Which Host and Origin headers the bridge accepts. Host (DNS rebinding, RFC 9110 §7.2): one of
 * the machine's own names and addresses — os.hostname(), hostname.local, localhost, 127.0.0.1,
 * ::1 and every interface address except link-local — with the listening port (or no port when
 * the bridge listens on the scheme's default port), plus `allowedHosts`. Origin on the
 * WebSocket upgrade (cross-site WebSocket hijacking; RFC 6455 §10.2): the bridge's own origin
 * (scheme + the Host it was reached by), or one of `allowedOrigins`. A missing Origin is
 * accepted: browsers always send one on a WebSocket, so only non-browser clients lack it, and
 * they hold no ambient credentials (the token travels in the hello).
 */
export class HostPolicy {
  private port = 0;
  private tls = false;
  private names = new Set<string>();
  private refreshedAt = 0;
  private readonly extraAnyPort = new Set<string>();
  private readonly extraExact = new Set<string>();
  private readonly origins: Set<string>;

  constructor(private readonly opts: HostPolicyOptions = {}) {
    for (const h of opts.allowedHosts ?? []) {
      const p = parseHost(h);
      if (!p) continue;
      if (p.port === undefined) this.extraAnyPort.add(p.name);
      else this.extraExact.add(`${p.name}:${p.port}`);
    }
    this.origins = new Set((opts.allowedOrigins ?? []).map(canonicalOrigin).filter((o) => o !== undefined));
  }

  /** The port and scheme the bridge listens on; call after listen. */
  bind(port: number, tls: boolean): void {
    this.port = port;
    this.tls = tls;
    this.names = new Set();
  }

  get scheme(): 'http' | 'https' {
    return this.tls ? 'https' : 'http';
  }

  /** True if the bridge answers to this Host header. */
  hostAllowed(host: string): boolean {
    const p = parseHost(host);
    if (!p) return false;
    if (this.extraAnyPort.has(p.name)) return true;
    const defaultPort = this.tls ? 443 : 80;
    const port = p.port ?? defaultPort;
    if (this.extraExact.has(`${p.name}:${port}`)) return true;
    if (port !== this.port) return false;
    // Addresses change (DHCP, a new interface): on a miss look again, at most once a second.
    return this.ownNames(false).has(p.name) || this.ownNames(true).has(p.name);
  }

  /** The upgrade check of Auth.checkUpgrade: 403 for a foreign Host or Origin. */
  checkUpgrade(h: { origin: string; host: string }): UpgradeCheck {
    if (!this.hostAllowed(h.host))
      return { ok: false, status: 403, reason: `Host "${h.host.slice(0, 100)}" is not one this bridge answers to` };
    if (h.origin === '') return { ok: true };
    const refuse: UpgradeCheck = {
      ok: false,
      status: 403,
      reason: `Origin "${h.origin.slice(0, 100)}" may not open this bridge's WebSocket`,
    };
    const origin = canonicalOrigin(h.origin);
    if (origin === undefined) return refuse;
    if (this.origins.has(origin)) return { ok: true };
    const p = parseHost(h.host);
    const defaultPort = this.tls ? 443 : 80;
    const self = p && canonicalOrigin(`${this.scheme}://${p.name}:${p.port ?? defaultPort}`);
    return origin === self ? { ok: true } : refuse;
  }

  private ownNames(refresh: boolean): Set<string> {
    const now = Date.now();
    if (this.names.size > 0 && (!refresh || now - this.refreshedAt < 1000)) return this.names;
    this.refreshedAt = now;
    const host = (this.opts.hostname ?? hostname)().toLowerCase();
    const short = host.split('.')[0] ?? host;
    const addrs = (this.opts.interfaces ?? interfaceAddresses)();
    this.names = new Set(
      [host, short, `${short}.local`, 'localhost', '127.0.0.1', '::1', ...addrs].filter(Boolean).map(bracket),
    );
    return this.names;
  }
}
