import { mouseAbsReport, mouseRelReport, type MouseAbsState, type MouseRelState } from '../../../protocol/reports.ts';
import { type RigContext, send } from './context.ts';
import {
  ABS_X,
  ABS_Y,
  BTN_MOUSE,
  EV_ABS,
  EV_KEY,
  EV_REL,
  EvdevReader,
  REL_HWHEEL,
  REL_WHEEL,
  REL_X,
  REL_Y,
} from './evdev.ts';
import { inputOf } from './inputs.ts';
import { playPaced } from './paced.ts';

type Ev = [type: number, code: number, value: number];

const ABS0: MouseAbsState = { buttons: 0, x: 32767, y: 0, wheel: 0, pan: 0 };
const REL0: MouseRelState = { buttons: 0, dx: 0, dy: 0, wheel: 0 };

/** Each step: a report, and the evdev events it must produce (in any order within the step). */
const ABS_STEPS: [Partial<MouseAbsState>, Ev[]][] = [
  [
    { buttons: 0x01, x: 16384, y: 8192 },
    [
      [EV_ABS, ABS_X, 16384],
      [EV_ABS, ABS_Y, 8192],
      [EV_KEY, BTN_MOUSE, 1],
    ],
  ],
  [
    { x: 32767, y: 0 },
    [
      [EV_ABS, ABS_X, 32767],
      [EV_ABS, ABS_Y, 0],
      [EV_KEY, BTN_MOUSE, 0],
    ],
  ],
  [{ wheel: 1 }, [[EV_REL, REL_WHEEL, 1]]],
  [{ wheel: -3 }, [[EV_REL, REL_WHEEL, -3]]],
  [{ pan: 2 }, [[EV_REL, REL_HWHEEL, 2]]],
  [{ pan: -1 }, [[EV_REL, REL_HWHEEL, -1]]],
  ...buttonSteps<MouseAbsState>(),
];

const REL_STEPS: [Partial<MouseRelState>, Ev[]][] = [
  [
    { dx: 10, dy: -5 },
    [
      [EV_REL, REL_X, 10],
      [EV_REL, REL_Y, -5],
    ],
  ],
  [
    { dx: -127, dy: 127 },
    [
      [EV_REL, REL_X, -127],
      [EV_REL, REL_Y, 127],
    ],
  ],
  [{ wheel: 2 }, [[EV_REL, REL_WHEEL, 2]]],
  ...buttonSteps<MouseRelState>(),
];

/** Press and release each of the 8 buttons: Button usage n → BTN_MOUSE + n - 1 (BTN_LEFT..BTN_TASK). */
function buttonSteps<T extends { buttons: number }>(): [Partial<T>, Ev[]][] {
  return Array.from({ length: 8 }, (_, bit): [Partial<T>, Ev[]][] => [
    [{ buttons: 1 << bit } as Partial<T>, [[EV_KEY, BTN_MOUSE + bit, 1]]],
    [{ buttons: 0 } as Partial<T>, [[EV_KEY, BTN_MOUSE + bit, 0]]],
  ]).flat();
}

/**
 * Steps per window: one report each, at most 4 watched events plus MSC_SCAN, hi-res wheel and
 * SYN_REPORT, so 4 steps stay well inside the 64-event buffer. No two neighbouring steps are
 * pure moves with the same buttons, so the writer's coalescing never merges two of them.
 */
const WINDOW = 4;

function play<T>(reader: EvdevReader, steps: [Partial<T>, Ev[]][], send: (s: Partial<T>) => string | undefined) {
  // Only the (type, code) pairs the steps speak of: REL_WHEEL_HI_RES and MSC_SCAN come along too.
  const watched = new Set(steps.flatMap(([, want]) => want.map(([t, c]) => `${t}:${c}`)));
  return playPaced(
    steps.map(([state, want]) => ({
      label: JSON.stringify(state),
      events: want.map(([type, code, value]) => ({ type, code, value })),
      ordered: false,
      send: () => send(state),
    })),
    {
      reader,
      watch: (e) => watched.has(`${e.type}:${e.code}`),
      window: WINDOW,
      reset: () => void send({ buttons: 0 } as unknown as Partial<T>),
    },
  );
}

/**
 * Absolute and relative mouse reports through the relay reach the host as evdev events: position
 * (0..32767), all 8 buttons, wheel (REL_WHEEL) and AC Pan (REL_HWHEEL); relative moves and wheel.
 * Opening the evdev nodes is what makes the host poll the mice.
 */
export async function checkMice(ctx: RigContext) {
  ctx.readers.mouse ??= new EvdevReader(inputOf(ctx.inputs, 'mouse').event);
  ctx.readers.mouseRel ??= new EvdevReader(inputOf(ctx.inputs, 'mouse-rel').event);
  const abs = await play<MouseAbsState>(ctx.readers.mouse, ABS_STEPS, (s) =>
    send(ctx, 'mouse', mouseAbsReport({ ...ABS0, ...s })),
  );
  const rel = await play<MouseRelState>(ctx.readers.mouseRel, REL_STEPS, (s) =>
    send(ctx, 'mouse-rel', mouseRelReport({ ...REL0, ...s })),
  );
  return { abs, rel };
}
