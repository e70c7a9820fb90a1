/**
 * The on-screen keyboard (issue 9 §2), drawn from the target layout: the physical shape
 * (lib/osk/geometry.ts) and every key's legend at the level its modifiers select
 * (lib/osk/legends.ts). Loaded with import() on first open, so the first load does not grow.
 *
 * Test hooks: the root has `data-testid="osk"`, `data-geometry`, `data-layout`; each key is a
 * button with `data-code`, `data-usage`, `data-legend` (what it types now), `data-dead`,
 * `data-state` (modifiers: off | pressing | latched | held | locked, also `aria-pressed`), and
 * `data-led` on Caps/Num/Scroll Lock (the target's LEDs).
 */
import { createMemo, createSignal, For, onCleanup, Show, untrack } from 'solid-js';
import { isModifierUsage, Led } from '../../../../protocol/index.ts';
import type { InputController } from '../../lib/input/controller.ts';
import type { Layout } from '../../lib/layouts/index.ts';
import { buildBoard, chooseGeometry, GEOMETRIES, type Geometry, type PlacedKey } from '../../lib/osk/geometry.ts';
import { keyName, legendAt, legendsFor, type Legend } from '../../lib/osk/legends.ts';
import type { ModifierState } from '../../lib/osk/modifiers.ts';
import type { Settings } from '../../lib/settings.ts';
import { makeOskInput } from './keyboard-input.ts';
import { OSK_SIZES, useMedia } from './media.ts';
import './osk.css';

export interface OskProps {
  controller: InputController;
  /** The target layout once loaded. */
  layout: Layout | undefined;
  /** The target's LED bits (protocol Led). */
  leds: () => number;
  settings: Settings;
  update: (p: Partial<Settings>) => void;
  onClose: () => void;
}

const LOCKS: Record<string, number> = { CapsLock: Led.CapsLock, NumLock: Led.NumLock, ScrollLock: Led.ScrollLock };
const SHIFTS = [0xe1, 0xe5];
/** The phone extra-keys row: page 1 and page 2. */
const EXTRAS: string[][] = [
  [
    'Escape',
    'Tab',
    'ControlLeft',
    'AltLeft',
    'MetaLeft',
    'AltRight',
    'ArrowLeft',
    'ArrowUp',
    'ArrowDown',
    'ArrowRight',
  ],
  ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F11', 'F12'],
];
const EXTRA_USAGE: Record<string, number> = {
  Escape: 0x29,
  Tab: 0x2b,
  ControlLeft: 0xe0,
  AltLeft: 0xe2,
  MetaLeft: 0xe3,
  AltRight: 0xe6,
  ArrowLeft: 0x50,
  ArrowUp: 0x52,
  ArrowDown: 0x51,
  ArrowRight: 0x4f,
  ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`F${i + 1}`, 0x3a + i])),
};

export function Osk(props: OskProps) {
  const [tick, setTick] = createSignal(0);
  // The controller lives as long as the screen; the panel is remade if it ever changes.
  const input = untrack(() => makeOskInput(props.controller, () => setTick((t) => t + 1)));
  onCleanup(() => input.dispose());
  // Narrow (phone portrait) or short (phone landscape): the typing block only, under the extras row.
  const narrow = useMedia('(max-width: 700px), (max-height: 500px)');
  const extras = useMedia('(max-width: 700px), (max-height: 500px), (pointer: coarse)');
  const [page, setPage] = createSignal(0);

  const layoutName = () => props.layout?.name ?? props.settings.targetLayout;
  const geometry = () => chooseGeometry(props.settings.oskGeometry, layoutName());
  const board = createMemo(() =>
    buildBoard(geometry(), {
      functionRow: !narrow(),
      navigation: !narrow(),
      numpad: !narrow() && props.settings.oskNumpad,
    }),
  );
  const legends = createMemo(() => (props.layout ? legendsFor(props.layout) : new Map()));
  const level3 = () => props.layout?.level3 ?? null;
  const state = (usage: number): ModifierState => (tick(), input.mods.state(usage));
  // Physical modifiers count for the legends too (a held physical Shift shows the Shift level):
  // the controller knows what every source holds; key events on the window say when to look.
  const onKey = (): void => void setTick((t) => t + 1);
  window.addEventListener('keydown', onKey);
  window.addEventListener('keyup', onKey);
  onCleanup(() => {
    window.removeEventListener('keydown', onKey);
    window.removeEventListener('keyup', onKey);
  });
  const on = (u: number): boolean => input.mods.active(u) || props.controller.isHeld(u);
  const levelState = () => {
    tick();
    return {
      shift: SHIFTS.some(on),
      altgr: level3() !== null && on(level3()!),
      capsLock: (props.leds() & Led.CapsLock) !== 0,
    };
  };
  const legend = (k: { code: string; usage: number }): Legend | undefined => {
    const l = legends().get(k.usage);
    return l && legendAt(l, levelState(), level3() !== null);
  };

  const keyButton = (k: { code: string; usage: number }, style?: Record<string, string>) => {
    const lg = () => legend(k);
    const modifier = isModifierUsage(k.usage);
    const lock = LOCKS[k.code];
    const face = () => {
      const t = lg()?.text;
      if (t === ' ') return keyName('Space', null);
      return t || keyName(k.code, level3());
    };
    const pressed = (): boolean | 'mixed' => {
      if (modifier) {
        const s = state(k.usage);
        return s === 'latched' ? 'mixed' : s !== 'off';
      }
      return (tick(), input.holds(k.usage));
    };
    const ledOn = () => lock !== undefined && (props.leds() & lock) !== 0;
    const end = (e: PointerEvent): void => input.up(e.pointerId);
    return (
      <button
        type="button"
        tabIndex={-1}
        class="osk-key"
        classList={{
          'osk-dead': lg()?.dead === true,
          'osk-mod': modifier,
          'osk-named': !lg()?.text || lg()?.text === ' ',
          'osk-down': pressed() === true,
        }}
        style={style}
        data-code={k.code}
        data-usage={k.usage}
        data-legend={lg()?.text ?? ''}
        data-dead={lg()?.dead ? 'true' : undefined}
        data-state={modifier ? state(k.usage) : undefined}
        data-led={lock === undefined ? undefined : ledOn() ? 'on' : 'off'}
        aria-pressed={modifier ? pressed() : lock !== undefined ? ledOn() : undefined}
        aria-label={lg()?.dead ? `dead key ${lg()!.text}` : undefined}
        onPointerDown={(e) => {
          e.preventDefault();
          e.currentTarget.setPointerCapture(e.pointerId);
          input.down(e.pointerId, k.usage);
        }}
        onPointerUp={end}
        onPointerCancel={end}
        onLostPointerCapture={end}
        onContextMenu={(e) => e.preventDefault()}
      >
        {face()}
        <Show when={lg()?.dead}>
          <span class="osk-dead-mark" aria-hidden="true">
            dead
          </span>
        </Show>
      </button>
    );
  };

  const placed = (k: PlacedKey) => {
    const b = board();
    return keyButton(k, {
      left: `${(k.x / b.width) * 100}%`,
      width: `${(k.w / b.width) * 100}%`,
      top: `calc(${k.y} * var(--osk-key-h))`,
      height: `calc(${k.h} * var(--osk-key-h))`,
    });
  };

  const size = () => Math.max(0, Math.min(OSK_SIZES.length - 1, props.settings.oskSize));
  const setSize = (s: number) => props.update({ oskSize: Math.max(0, Math.min(OSK_SIZES.length - 1, s)) });
  let dragFrom: { y: number; size: number } | null = null;

  return (
    <section
      class="osk"
      aria-label="On-screen keyboard"
      data-testid="osk"
      data-geometry={geometry()}
      data-layout={props.layout?.name ?? ''}
      data-compact={narrow() ? 'true' : 'false'}
      // The size step's key height, but never so tall that the keyboard (its rows plus the extras
      // row and the bar) takes more than 55 % of the viewport: the picture keeps the rest.
      style={{
        '--osk-key-h': `min(${OSK_SIZES[size()]}px, calc((55dvh - 2.5rem) / ${board().height + (extras() ? 1 : 0)}))`,
      }}
    >
      <div
        class="osk-handle"
        data-testid="osk-resize"
        title="Drag to resize the keyboard"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          dragFrom = { y: e.clientY, size: size() };
        }}
        onPointerMove={(e) => {
          if (dragFrom) setSize(dragFrom.size + Math.round((dragFrom.y - e.clientY) / 30));
        }}
        onPointerUp={() => (dragFrom = null)}
        onPointerCancel={() => (dragFrom = null)}
      />
      <div class="osk-bar">
        <label>
          Shape{' '}
          <select
            data-testid="osk-geometry"
            value={props.settings.oskGeometry}
            onChange={(e) => props.update({ oskGeometry: e.currentTarget.value as Geometry | 'auto' })}
          >
            <option value="auto">Auto ({chooseGeometry('auto', layoutName()).toUpperCase()})</option>
            <For each={GEOMETRIES}>{(g) => <option value={g}>{g.toUpperCase()}</option>}</For>
          </select>
        </label>
        <Show when={!narrow()}>
          <button
            type="button"
            data-testid="osk-numpad"
            aria-pressed={props.settings.oskNumpad}
            onClick={() => props.update({ oskNumpad: !props.settings.oskNumpad })}
          >
            Numpad
          </button>
        </Show>
        <button type="button" data-testid="osk-smaller" aria-label="Smaller keys" onClick={() => setSize(size() - 1)}>
          −
        </button>
        <button type="button" data-testid="osk-larger" aria-label="Larger keys" onClick={() => setSize(size() + 1)}>
          +
        </button>
        <button
          type="button"
          data-testid="osk-close"
          aria-label="Hide the on-screen keyboard"
          onClick={() => props.onClose()}
        >
          ✕
        </button>
      </div>
      <Show when={extras()}>
        <div class="osk-extras" data-testid="osk-extras" data-page={page()}>
          <For each={EXTRAS[page()]}>{(code) => keyButton({ code, usage: EXTRA_USAGE[code]! })}</For>
          <button
            type="button"
            class="osk-key osk-page"
            data-testid="osk-extras-page"
            onClick={() => setPage(page() === 0 ? 1 : 0)}
          >
            {page() === 0 ? 'F1…' : 'Keys'}
          </button>
        </div>
      </Show>
      <div class="osk-board" data-testid="osk-board" style={{ height: `calc(${board().height} * var(--osk-key-h))` }}>
        <For each={board().keys}>{(k) => placed(k)}</For>
      </div>
    </section>
  );
}

export default Osk;
