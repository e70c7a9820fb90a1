import { HID_TO_EVDEV } from '../../../hardware/sim/hid-usage-table.ts';
import { MAX_BATCH_STEPS, type BatchEnd, type BatchStep } from '../../../protocol/index.ts';
import { KEYBOARD_REPORT_BYTES } from '../../../protocol/reports.ts';
import { chunkSteps, planText, RATE_PRESETS, type RatePreset } from '../../../web/src/lib/layouts/planner.ts';
import { layoutFromData } from '../../../web/src/lib/layouts/layout.ts';
import de from '../../../web/src/lib/layouts/generated/de.ts';
import { findBuiltin } from '../../../web/src/lib/macros/builtins.ts';
import { compileSteps } from '../../../web/src/lib/macros/compile.ts';
import { MacroError } from '../../../web/src/lib/macros/errors.ts';
import { setRepeat } from './check-keyboard.ts';
import { CLIENT, type RigContext } from './context.ts';
import { EV_KEY, type EvdevReader, type InputEvent } from './evdev.ts';
import { inputOf } from './inputs.ts';
import { EventMatcher, type ExpectedGroup, type MatchReport } from './matcher.ts';
import { settle } from './paced.ts';
import { RigCheckError, sleep } from './util.ts';

/** Deterministic PRNG (mulberry32), so every run types the same text. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A mixed text of exactly `chars` characters for the German layout: lower and upper case words,
 * digits, punctuation on Shift, AltGr characters (@ € { } [ ] \ | ~), umlauts and ß, dead-key
 * characters (é è ê â ô: dead acute/grave/circumflex, then the letter), spaces, tabs and line ends.
 */
export function mixedText(chars: number, seed = 7): string {
  const rnd = prng(seed);
  const pick = (s: string) => s[Math.floor(rnd() * s.length)]!;
  const pools = [
    { w: 50, s: 'abcdefghijklmnopqrstuvwxyz' },
    { w: 8, s: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' },
    { w: 6, s: '0123456789' },
    { w: 5, s: '.,;:-_!?"§$%&/()=+*#\'<>' },
    { w: 4, s: '@€{}[]\\|~' },
    { w: 5, s: 'äöüßÄÖÜ' },
    { w: 3, s: 'éèêâô' },
    { w: 15, s: ' ' },
    { w: 2, s: '\n' },
    { w: 1, s: '\t' },
  ];
  const total = pools.reduce((n, p) => n + p.w, 0);
  let out = '';
  while ([...out].length < chars) {
    let r = rnd() * total;
    const pool = pools.find((p) => (r -= p.w) < 0) ?? pools[0]!;
    out += pick(pool.s);
  }
  return out;
}

/**
 * The host-side key events a list of keyboard reports must produce, one group per report that
 * changes anything: modifier bits and key-array usages going down (1) or up (0), mapped to evdev
 * codes with the kernel's hid_keyboard[] table. Within a report the kernel's order (modifiers,
 * then releases, then presses) is not asserted; across reports it is.
 */
export function expectedKeyEvents(steps: readonly BatchStep[]): ExpectedGroup[] {
  const groups: ExpectedGroup[] = [];
  let prev: Uint8Array = new Uint8Array(KEYBOARD_REPORT_BYTES);
  steps.forEach((step, i) => {
    const r = step.report;
    const events: InputEvent[] = [];
    for (let bit = 0; bit < 8; bit++) {
      const was = (prev[0]! >> bit) & 1;
      const now = (r[0]! >> bit) & 1;
      if (was !== now) events.push({ type: EV_KEY, code: HID_TO_EVDEV[0xe0 + bit]!, value: now });
    }
    const before = new Set(prev.subarray(2).filter((u) => u !== 0));
    const after = new Set(r.subarray(2).filter((u) => u !== 0));
    for (const u of before) if (!after.has(u)) events.push({ type: EV_KEY, code: HID_TO_EVDEV[u]!, value: 0 });
    for (const u of after) if (!before.has(u)) events.push({ type: EV_KEY, code: HID_TO_EVDEV[u]!, value: 1 });
    if (events.length > 0) groups.push({ label: `report ${i}`, events, ordered: false });
    prev = r;
  });
  return groups;
}

const summarise = (r: MatchReport) => ({
  groups: r.groups,
  okGroups: r.okGroups,
  matched: r.matched,
  missing: r.missing.length,
  lost: r.lost.length,
  strays: r.strays.length,
  firstMissing: r.missing.slice(0, 8),
  firstLost: r.lost.slice(0, 8),
  firstStrays: r.strays.slice(0, 8),
  synDropped: r.synDropped,
});

/**
 * Plays `steps` through the relay as batches (MAX_BATCH_STEPS each, cut at key-up points, as the
 * PWA's paste does) and matches the host's evdev key events against them while they play.
 * @returns ms from the first batch to the last batch-end, the match report and the batch outcomes
 */
async function playAndMatch(ctx: RigContext, reader: EvdevReader, steps: readonly BatchStep[]) {
  const matcher = new EventMatcher(expectedKeyEvents(steps), {
    watch: (e) => e.type === EV_KEY && e.value !== 2,
    lookahead: 64,
  });
  let fed = reader.mark();
  const feed = () => {
    const fresh = reader.since(fed);
    fed += fresh.length;
    matcher.feed(fresh);
  };
  const feeder = setInterval(feed, 5);
  const start = performance.now();
  const outcomes: string[] = [];
  let sent = 0;
  try {
    for (const [n, batch] of chunkSteps(steps, MAX_BATCH_STEPS).entries()) {
      const end = await new Promise<BatchEnd>((resolve) => {
        const refused = ctx.relay.startBatch(CLIENT, { type: 'batch', id: 9000 + n, steps: batch }, (m) => {
          if (m.type === 'batch-end') resolve(m);
        });
        if (refused) resolve({ type: 'batch-end', id: 9000 + n, outcome: 'failed', sent: 0, reason: refused.message });
      });
      outcomes.push(end.outcome === 'done' ? 'done' : `${end.outcome}: ${end.reason}`);
      sent += end.sent;
      if (end.outcome !== 'done') break;
    }
    const playedMs = performance.now() - start;
    await settle(reader, 150, 5000);
    feed();
    return { playedMs, sent, outcomes, host: matcher.finish() };
  } finally {
    clearInterval(feeder);
  }
}

/**
 * Paste on the real gadget: a mixed `chars`-character text planned for the German layout (AltGr,
 * dead keys, Shift) is typed through the bridge's relay into the gadget at each rate preset, and
 * the host's evdev key events are compared with the plan. Autorepeat is off meanwhile (a press held
 * across a TCG stall must not repeat). Reports chars/s and drops per rate: a drop is a planned key
 * event the host never produced (SYN_DROPPED losses, which are the reader's, are counted apart).
 */
export async function checkPaste(ctx: RigContext, chars: number, rates: readonly RatePreset[]) {
  const reader = ctx.readers.keyboard;
  const event = inputOf(ctx.inputs, 'keyboard').event;
  const layout = layoutFromData(de);
  const text = mixedText(chars);
  setRepeat(event, 0, 0);
  try {
    const out: Record<string, unknown> = { chars: [...text].length, layout: 'de' };
    for (const rate of rates) {
      const plan = planText(text, layout, { capsLock: false, unicodeFallback: 'skip', ...RATE_PRESETS[rate] });
      if (plan.untypable.length > 0)
        throw new RigCheckError('setup', `de cannot type ${plan.untypable.map((c) => c.char).join('')}`);
      reader.clear();
      const r = await playAndMatch(ctx, reader, plan.steps);
      out[rate] = {
        reportDelayMs: RATE_PRESETS[rate].reportDelayMs,
        reports: plan.steps.length,
        sent: r.sent,
        outcomes: r.outcomes,
        ms: Math.round(r.playedMs),
        charsPerSecond: Math.round((plan.typed / (r.playedMs / 1000)) * 10) / 10,
        reportsPerSecond: Math.round(plan.steps.length / (r.playedMs / 1000)),
        drops: r.host.missing.length,
        host: summarise(r.host),
      };
      await sleep(50);
    }
    return out;
  } finally {
    setRepeat(event, 250, 33);
  }
}

/**
 * Built-in shortcuts on the real gadget: Ctrl+Alt+F2 and the SysRq REISUB sequence, compiled the
 * way the PWA's shortcut menu compiles them and played through the relay; the host's evdev key
 * events must follow their reports exactly. The guest kernel is the USB host here, so its own
 * SysRq handler is switched off first (kernel.sysrq = 0): Alt+SysRq+B would reboot the rig, and
 * with it on the handler would swallow the keys.
 */
export async function checkBuiltins(ctx: RigContext) {
  const reader = ctx.readers.keyboard;
  const event = inputOf(ctx.inputs, 'keyboard').event;
  const fs = await import('node:fs');
  const sysrqWas = fs.readFileSync('/proc/sys/kernel/sysrq', 'utf8').trim();
  fs.writeFileSync('/proc/sys/kernel/sysrq', '0');
  setRepeat(event, 0, 0);
  try {
    const out: Record<string, unknown> = { sysrqWas };
    for (const id of ['ctrl-alt-f2', 'sysrq-reisub']) {
      const builtin = findBuiltin(id);
      if (!builtin) throw new RigCheckError('setup', `no built-in named ${id}`);
      const compiled = compileSteps(builtin.body.steps, {
        text: { capsLock: false, unicodeFallback: 'skip', ...RATE_PRESETS.fast },
      });
      if (compiled instanceof MacroError) throw new RigCheckError('setup', `${id}: ${compiled.message}`);
      const keyboardSteps = compiled.steps.filter((s) => s.device === 'keyboard');
      reader.clear();
      const r = await playAndMatch(ctx, reader, compiled.steps);
      const keys = reader.events.filter((e) => e.type === EV_KEY && e.value !== 2);
      out[id] = {
        reports: keyboardSteps.length,
        outcomes: r.outcomes,
        host: summarise(r.host),
        keyEvents: keys.map((e) => `${e.code}=${e.value}`),
      };
    }
    return out;
  } finally {
    setRepeat(event, 250, 33);
    fs.writeFileSync('/proc/sys/kernel/sysrq', sysrqWas);
  }
}
