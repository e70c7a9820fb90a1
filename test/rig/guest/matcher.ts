import { EV_SYN, SYN_REPORT, describeEvent, isSynDropped, type InputEvent } from './input-codes.ts';

/**
 * Matches the events a host-side evdev reader saw against the events a check expects, so that one
 * stray or missing event fails only the step it belongs to instead of everything after it.
 * Pure: events in, verdicts out; the rig's checks feed it from an EvdevReader, the unit test
 * (test/rig-unit/matcher.test.ts) from arrays.
 *
 * Rules, for each watched event in arrival order:
 * - It matches the first still-pending expected event with the same (type, code, value) in the
 *   current group or the `lookahead` groups after it. Pending events it jumps over are *missing*:
 *   all of those in earlier groups, and in an ordered group the earlier ones of its own group too
 *   (a release without its press means the press was lost).
 * - If nothing within reach matches, it is a *stray* and the expected side does not move; a stray
 *   therefore costs one line in the report, not a cascade.
 * - EV_SYN/SYN_DROPPED means the kernel threw away everything it still held for this reader. As
 *   Documentation/input/event-codes.rst says, events up to and including the next SYN_REPORT are
 *   discarded (a partial packet); then the next watched event is looked for among *all* pending
 *   events, however far ahead, and the ones it jumps over are *lost* (eaten by the overflow), not
 *   missing. The caller decides what to do with a lost window (the paced player sends it again).
 * - Unwatched events (SYN_REPORT, MSC_SCAN, autorepeat if the caller says so...) are ignored.
 * - An optional group's events may come or not; one that does not is *absent*, not missing.
 */

export interface ExpectedGroup {
  /** Names the group in the report, e.g. `usage 0x04`. */
  label: string;
  events: readonly InputEvent[];
  /** true: the events must arrive in this order (press, then release); false: in any order (axes of one report). */
  ordered: boolean;
  /**
   * The host may or may not deliver these (a report already in flight when the host starts to
   * listen: usbhid discards what arrives in the 50 ms after an open). They still match in order.
   */
  optional?: boolean;
}

export interface MatchOptions {
  /** The events the check is about; everything else is ignored. */
  watch: (e: InputEvent) => boolean;
  /** How many groups past the first unresolved one an event may match in; 0 = that group only. */
  lookahead: number;
}

export type Verdict = 'pending' | 'matched' | 'missing' | 'lost' | 'absent';

export interface MatchReport {
  groups: number;
  okGroups: number;
  /** Labels of the groups with a missing or lost event. */
  failedGroups: string[];
  matched: number;
  /** `label: event` of expected events that never came. */
  missing: string[];
  /** `label: event` of expected events a SYN_DROPPED overflow threw away. */
  lost: string[];
  /** Watched events nothing expected, with the last group matched before them. */
  strays: string[];
  /** `label: event` of optional events that did not come. */
  absent: string[];
  synDropped: number;
  /** Events thrown away between a SYN_DROPPED and the next SYN_REPORT. */
  discarded: number;
}

interface Slot {
  event: InputEvent;
  group: number;
}

const same = (a: InputEvent, b: InputEvent) => a.type === b.type && a.code === b.code && a.value === b.value;

export class EventMatcher {
  private readonly slots: Slot[] = [];
  private readonly verdicts: Verdict[] = [];
  /** First pending slot; everything before it is resolved. */
  private cursor = 0;
  private phase: 'normal' | 'discard' | 'resync' = 'normal';
  private lastMatched: string | null = null;
  private readonly strays: string[] = [];
  private drops = 0;
  private discarded = 0;

  constructor(
    private readonly groups: readonly ExpectedGroup[],
    private readonly opts: MatchOptions,
  ) {
    groups.forEach((g, group) => {
      for (const event of g.events) {
        this.slots.push({ event, group });
        this.verdicts.push('pending');
      }
    });
  }

  /** True once no expected event is pending. */
  get complete(): boolean {
    return this.cursor >= this.slots.length;
  }

  /** How many groups, from the first, are fully resolved (matched, missing or lost). */
  get resolvedGroups(): number {
    return this.complete ? this.groups.length : this.slots[this.cursor]!.group;
  }

  get synDropped(): number {
    return this.drops;
  }

  /** Feeds events in arrival order. Returns how many were relevant (watched, or SYN_DROPPED). */
  feed(events: Iterable<InputEvent>): number {
    let relevant = 0;
    for (const e of events) if (this.one(e)) relevant++;
    return relevant;
  }

  private one(e: InputEvent): boolean {
    if (isSynDropped(e)) {
      this.drops++;
      this.phase = 'discard';
      return true;
    }
    if (this.phase === 'discard') {
      if (e.type === EV_SYN && e.code === SYN_REPORT) this.phase = 'resync';
      else this.discarded++;
      return false;
    }
    if (!this.opts.watch(e)) return false;
    const found = this.find(e);
    if (found < 0) {
      this.strays.push(`${describeEvent(e)} after ${this.lastMatched ?? 'the start'}`);
      return true;
    }
    const group = this.slots[found]!.group;
    const skipped: Verdict = this.phase === 'resync' ? 'lost' : 'missing';
    for (let k = this.cursor; k < found; k++) {
      if (this.verdicts[k] !== 'pending') continue;
      if (this.slots[k]!.group < group || this.groups[group]!.ordered) this.verdicts[k] = this.unseen(k, skipped);
    }
    this.verdicts[found] = 'matched';
    this.lastMatched = this.groups[group]!.label;
    this.phase = 'normal';
    while (this.cursor < this.slots.length && this.verdicts[this.cursor] !== 'pending') this.cursor++;
    return true;
  }

  /** The verdict for pending slot `k` passed over: `absent` in an optional group. */
  private unseen(k: number, otherwise: Verdict): Verdict {
    return this.groups[this.slots[k]!.group]!.optional ? 'absent' : otherwise;
  }

  /** Index of the pending slot `e` matches, or -1. */
  private find(e: InputEvent): number {
    if (this.complete) return -1;
    const last = this.phase === 'resync' ? Infinity : this.slots[this.cursor]!.group + this.opts.lookahead;
    for (let k = this.cursor; k < this.slots.length && this.slots[k]!.group <= last; k++) {
      if (this.verdicts[k] === 'pending' && same(this.slots[k]!.event, e)) return k;
    }
    return -1;
  }

  /**
   * Ends the match: what is still pending is missing, or lost if a SYN_DROPPED came after the
   * last match. Call once, after the caller has waited for the events.
   */
  finish(): MatchReport {
    const rest: Verdict = this.phase === 'normal' ? 'missing' : 'lost';
    for (let k = this.cursor; k < this.slots.length; k++)
      if (this.verdicts[k] === 'pending') this.verdicts[k] = this.unseen(k, rest);
    this.cursor = this.slots.length;
    const line = (k: number) => `${this.groups[this.slots[k]!.group]!.label}: ${describeEvent(this.slots[k]!.event)}`;
    const of = (v: Verdict) => this.slots.flatMap((_, k) => (this.verdicts[k] === v ? [line(k)] : []));
    const failed = new Set(
      this.slots.flatMap((s, k) => (this.verdicts[k] === 'matched' || this.verdicts[k] === 'absent' ? [] : [s.group])),
    );
    return {
      groups: this.groups.length,
      okGroups: this.groups.length - failed.size,
      failedGroups: [...failed].sort((a, b) => a - b).map((g) => this.groups[g]!.label),
      matched: this.verdicts.filter((v) => v === 'matched').length,
      missing: of('missing'),
      lost: of('lost'),
      strays: [...this.strays],
      absent: of('absent'),
      synDropped: this.drops,
      discarded: this.discarded,
    };
  }
}
