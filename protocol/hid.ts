import { arity, bin, list, oneOf, str, uint } from './fields.ts';
import { ProtocolError } from './errors.ts';
import { KEYBOARD_REPORT_BYTES, MOUSE_ABS_REPORT_BYTES, MOUSE_REL_REPORT_BYTES } from './reports.ts';

export const HidTag = {
  keyboard: 0x10,
  mouse: 0x11,
  mouseRel: 0x12,
  batch: 0x13,
  batchProgress: 0x14,
  batchEnd: 0x15,
  batchCancel: 0x16,
  releaseAll: 0x17,
} as const;

/** The three HID functions of the gadget. Wire values 0, 1, 2. */
export const HID_DEVICES = ['keyboard', 'mouse', 'mouse-rel'] as const;
export type HidDevice = (typeof HID_DEVICES)[number];
/** Report length in bytes per device (see reports.ts). */
export const REPORT_BYTES: Record<HidDevice, number> = {
  keyboard: KEYBOARD_REPORT_BYTES,
  mouse: MOUSE_ABS_REPORT_BYTES,
  'mouse-rel': MOUSE_REL_REPORT_BYTES,
};

const MAX_REPORT_BYTES = Math.max(KEYBOARD_REPORT_BYTES, MOUSE_ABS_REPORT_BYTES, MOUSE_REL_REPORT_BYTES);

/**
 * Most steps one batch may carry (about 5 000 characters of paste; longer text and macros are
 * split into several batches). Kept this low because decoding a batch is synchronous on the
 * bridge: 50 000 steps took 60–130 ms of event loop on a busy 2-core machine, 10 000 about a fifth.
 */
export const MAX_BATCH_STEPS = 10_000;
/** Longest delay after one batch step, ms. */
export const MAX_STEP_DELAY_MS = 10_000;

/** Wire: `[0x10, report: bin(8)]`, the boot keyboard report (reports.ts). */
export interface KeyboardMsg {
  type: 'keyboard';
  report: Uint8Array;
}
/** Wire: `[0x11, report: bin(7)]`, the absolute mouse report, X/Y 0..32767. */
export interface MouseMsg {
  type: 'mouse';
  report: Uint8Array;
}
/** Wire: `[0x12, report: bin(4)]`, the relative (boot) mouse report. */
export interface MouseRelMsg {
  type: 'mouse-rel';
  report: Uint8Array;
}

/** One step of a batch: write `report` to `device`, then wait `delayMs` (0..10000 ms). */
export interface BatchStep {
  device: HidDevice;
  report: Uint8Array;
  delayMs: number;
}

/**
 * A report sequence the bridge plays with its own timing, so network jitter cannot stretch a
 * key press. Wire: `[0x13, id, steps: [device, report, delayMs][]]`. The bridge answers with
 * batch-progress messages and exactly one batch-end, and releases all keys when it ends.
 */
export interface BatchMsg {
  type: 'batch';
  id: number;
  steps: BatchStep[];
}
/** Wire: `[0x14, id, sent, total]`: steps written so far. */
export interface BatchProgress {
  type: 'batch-progress';
  id: number;
  sent: number;
  total: number;
}
export const BATCH_OUTCOMES = ['done', 'cancelled', 'failed'] as const;
/** Wire: `[0x15, id, outcome, sent, reason]`; `reason` is '' unless failed or cancelled. */
export interface BatchEnd {
  type: 'batch-end';
  id: number;
  outcome: (typeof BATCH_OUTCOMES)[number];
  sent: number;
  reason: string;
}
/** Wire: `[0x16, id]`: stop the batch and release all keys and buttons. */
export interface BatchCancel {
  type: 'batch-cancel';
  id: number;
}
/** Wire: `[0x17]`: write all-keys-up and all-buttons-up now (e.g. the page lost focus). */
export interface ReleaseAll {
  type: 'release-all';
}

export type HidMessage =
  KeyboardMsg | MouseMsg | MouseRelMsg | BatchMsg | BatchProgress | BatchEnd | BatchCancel | ReleaseAll;

export function hidToWire(m: HidMessage): unknown[] {
  switch (m.type) {
    case 'keyboard':
      return [HidTag.keyboard, m.report];
    case 'mouse':
      return [HidTag.mouse, m.report];
    case 'mouse-rel':
      return [HidTag.mouseRel, m.report];
    case 'batch':
      return [HidTag.batch, m.id, m.steps.map((s) => [HID_DEVICES.indexOf(s.device), s.report, s.delayMs])];
    case 'batch-progress':
      return [HidTag.batchProgress, m.id, m.sent, m.total];
    case 'batch-end':
      return [HidTag.batchEnd, m.id, m.outcome, m.sent, m.reason];
    case 'batch-cancel':
      return [HidTag.batchCancel, m.id];
    case 'release-all':
      return [HidTag.releaseAll];
  }
}

/** Reports are copied out of the input so they can be queued after the input buffer is gone. */
function report(v: unknown, device: HidDevice, name: string): Uint8Array {
  // Buffer.prototype.slice is a view, so copy explicitly (the constructor copies a typed array).
  return new Uint8Array(bin(v, name, { exact: REPORT_BYTES[device] }));
}

function step(v: unknown, i: number, pool: Uint8Array): BatchStep {
  // Fast path without building any field name: a 10 000-step batch must decode in a few ms, and
  // four template strings per step were most of its cost. The checked path below names the field.
  if (Array.isArray(v) && v.length === 3) {
    const [d, r, ms] = v as unknown[];
    if (typeof d === 'number' && Number.isInteger(d) && d >= 0 && d < HID_DEVICES.length) {
      const device = HID_DEVICES[d]!;
      if (
        r instanceof Uint8Array &&
        r.byteLength === REPORT_BYTES[device] &&
        typeof ms === 'number' &&
        Number.isInteger(ms) &&
        ms >= 0 &&
        ms <= MAX_STEP_DELAY_MS
      ) {
        // One backing store for every report of the batch: a view each, not an ArrayBuffer each.
        const report = pool.subarray(i * MAX_REPORT_BYTES, i * MAX_REPORT_BYTES + r.byteLength);
        report.set(r);
        return { device, report, delayMs: ms };
      }
    }
  }
  const name = `batch.steps[${i}]`;
  const s = list(v, name, 3);
  if (s.length !== 3) throw new ProtocolError('bad-field', `${name}: expected [device, report, delayMs]`);
  const device = HID_DEVICES[uint(s[0], `${name}.device`, HID_DEVICES.length - 1)] as HidDevice;
  return {
    device,
    report: report(s[1], device, `${name}.report`),
    delayMs: uint(s[2], `${name}.delayMs`, MAX_STEP_DELAY_MS),
  };
}

export function hidFromWire(tag: number, w: readonly unknown[]): HidMessage | undefined {
  switch (tag) {
    case HidTag.keyboard:
      arity(w, 'keyboard', 1);
      return { type: 'keyboard', report: report(w[1], 'keyboard', 'keyboard.report') };
    case HidTag.mouse:
      arity(w, 'mouse', 1);
      return { type: 'mouse', report: report(w[1], 'mouse', 'mouse.report') };
    case HidTag.mouseRel:
      arity(w, 'mouse-rel', 1);
      return { type: 'mouse-rel', report: report(w[1], 'mouse-rel', 'mouse-rel.report') };
    case HidTag.batch: {
      arity(w, 'batch', 2);
      const raw = list(w[2], 'batch.steps', MAX_BATCH_STEPS);
      const pool = new Uint8Array(raw.length * MAX_REPORT_BYTES);
      const steps = raw.map((v, i) => step(v, i, pool));
      return { type: 'batch', id: uint(w[1], 'batch.id', 0xffffffff), steps };
    }
    case HidTag.batchProgress:
      arity(w, 'batch-progress', 3);
      return {
        type: 'batch-progress',
        id: uint(w[1], 'batch-progress.id', 0xffffffff),
        sent: uint(w[2], 'batch-progress.sent'),
        total: uint(w[3], 'batch-progress.total'),
      };
    case HidTag.batchEnd: {
      arity(w, 'batch-end', 4);
      return {
        type: 'batch-end',
        id: uint(w[1], 'batch-end.id', 0xffffffff),
        outcome: oneOf(w[2], 'batch-end.outcome', BATCH_OUTCOMES),
        sent: uint(w[3], 'batch-end.sent'),
        reason: str(w[4], 'batch-end.reason', 256),
      };
    }
    case HidTag.batchCancel:
      arity(w, 'batch-cancel', 1);
      return { type: 'batch-cancel', id: uint(w[1], 'batch-cancel.id', 0xffffffff) };
    case HidTag.releaseAll:
      arity(w, 'release-all', 0);
      return { type: 'release-all' };
    default:
      return undefined;
  }
}
