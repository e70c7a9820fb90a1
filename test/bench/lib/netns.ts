/**
 * A throttled network for one viewer: a network namespace joined to the host by a veth pair
 * (ip-netns(8)), a token bucket (tc-tbf(8)) at `rateMbit` on the host end toward the viewer
 * (frames), and `rttMs / 2` of delay each way. The delay is tc-netem(8) where the kernel has it;
 * where it does not (sch_netem missing, as in this machine's VM kernel) `delayProxy` is true and
 * the caller runs lib/delay-proxy.ts inside the namespace. Needs root and iproute2. The host end
 * is 10.231.115.1, the viewer end 10.231.115.2; run a command inside with `ip netns exec <name>`.
 */
import { execFileSync } from 'node:child_process';

export interface SlowLink {
  name: string;
  hostAddr: string;
  /** argv prefix that runs a command in the namespace. */
  exec: string[];
  /** True when netem is missing: the delay must come from lib/delay-proxy.ts in the namespace. */
  delayProxy: boolean;
  close(): void;
}

const sh = (args: string[]) => execFileSync(args[0]!, args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });

export function openSlowLink(o: { rateMbit: number; rttMs: number }): SlowLink {
  const name = 'kvmbench-slow';
  const host = 'kvmb-h';
  const peer = 'kvmb-s';
  const close = () => {
    for (const a of [
      ['ip', 'link', 'del', host],
      ['ip', 'netns', 'del', name],
    ])
      try {
        sh(a);
      } catch (e) {
        void e; // not there (first run, or already gone): nothing to remove
      }
  };
  close(); // a crashed earlier run's leftovers
  const inNs = (args: string[]) => sh(['ip', 'netns', 'exec', name, ...args]);
  const delay = `${o.rttMs / 2}ms`;
  sh(['ip', 'netns', 'add', name]);
  sh(['ip', 'link', 'add', host, 'type', 'veth', 'peer', 'name', peer]);
  sh(['ip', 'link', 'set', peer, 'netns', name]);
  sh(['ip', 'addr', 'add', '10.231.115.1/24', 'dev', host]);
  sh(['ip', 'link', 'set', host, 'up']);
  inNs(['ip', 'addr', 'add', '10.231.115.2/24', 'dev', peer]);
  inNs(['ip', 'link', 'set', peer, 'up']);
  inNs(['ip', 'link', 'set', 'lo', 'up']);
  // Toward the viewer: tbf (rate, a 50 ms queue as a home router might keep) with netem under it.
  sh([
    'tc',
    'qdisc',
    'add',
    'dev',
    host,
    'root',
    'handle',
    '1:',
    'tbf',
    'rate',
    `${o.rateMbit}mbit`,
    'burst',
    '32kb',
    'latency',
    '50ms',
  ]);
  let delayProxy = false;
  try {
    sh(['tc', 'qdisc', 'add', 'dev', host, 'parent', '1:1', 'handle', '10:', 'netem', 'delay', delay]);
    // Back toward the bridge: the same delay (acks, input, pongs).
    inNs(['tc', 'qdisc', 'add', 'dev', peer, 'root', 'netem', 'delay', delay]);
  } catch (e) {
    if (!/unknown/i.test(String((e as { stderr?: Buffer }).stderr ?? e))) throw e;
    delayProxy = true; // "Specified qdisc kind is unknown": no sch_netem in this kernel
  }
  return { name, hostAddr: '10.231.115.1', exec: ['ip', 'netns', 'exec', name], delayProxy, close };
}
