import { createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import type { Settings, TypingMode } from '../lib/settings.ts';
import { LayoutPicker } from './LayoutPicker.tsx';
import type { DesktopInput } from './Screen.tsx';

/**
 * Target layout, typing mode, the paste panel toggle, fullscreen and pointer lock, and every
 * button other features add.
 *
 * Small screens (styles.css: narrower than 960 px, or lower than 500 px): the items collapse
 * into the ☰ menu; `pinned` (the phone keyboard button) stays visible beside it.
 *
 * HOW TO ADD A BUTTON: put one element inside `<div class="toolbar-items">` below, or pass it
 * as a child of `<Toolbar>` in KvmView.tsx. It shows inline on wide screens and in the ☰ menu
 * on narrow ones, with nothing else to do (test/e2e/small-screen.test.ts checks every button
 * there). Clicking a plain button closes the menu; give a button `aria-expanded` or
 * `aria-haspopup` when what it opens lives inside the menu, so the menu stays open. Styles go
 * in the feature's own CSS file.
 */
export function Toolbar(props: {
  settings: Settings;
  update: (p: Partial<Settings>) => void;
  layoutError: string;
  onPaste: () => void;
  /** Fullscreen and pointer lock, once the screen exists. */
  desktop?: DesktopInput;
  /** Always visible, also on small screens (left of the menu button). */
  pinned?: JSX.Element;
  /** More toolbar items (buttons of other features): in the menu on small screens. */
  children?: JSX.Element;
}) {
  const [open, setOpen] = createSignal(false);
  let nav!: HTMLElement;
  const onItemsClick = (e: MouseEvent): void => {
    const b = e.target instanceof Element ? e.target.closest('button') : null;
    if (b && !b.hasAttribute('aria-expanded') && !b.hasAttribute('aria-haspopup')) setOpen(false);
  };
  onMount(() => {
    const outside = (e: PointerEvent): void => {
      if (open() && e.target instanceof Node && !nav.contains(e.target)) setOpen(false);
    };
    const esc = (e: KeyboardEvent): void => {
      if (open() && e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', outside, { capture: true });
    document.addEventListener('keydown', esc);
    onCleanup(() => {
      document.removeEventListener('pointerdown', outside, { capture: true });
      document.removeEventListener('keydown', esc);
    });
  });
  return (
    <nav class="toolbar" aria-label="Keyboard" ref={nav}>
      {props.pinned}
      <button
        class="toolbar-menu-button"
        data-testid="toolbar-menu"
        aria-controls="toolbar-items"
        aria-expanded={open()}
        onClick={() => setOpen(!open())}
      >
        ☰ Menu
      </button>
      <div
        id="toolbar-items"
        class="toolbar-items"
        data-open={open()}
        data-testid="toolbar-items"
        onClick={onItemsClick}
      >
        <span class="toolbar-field">
          <label for="target-layout">Target layout</label>
          <LayoutPicker
            id="target-layout"
            value={props.settings.targetLayout}
            onChange={(name) => props.update({ targetLayout: name })}
          />
        </span>
        <label class="toolbar-field">
          <span>Typing</span>
          <select
            data-testid="typing-mode"
            value={props.settings.typingMode}
            onChange={(e) => props.update({ typingMode: e.currentTarget.value as TypingMode })}
          >
            <option value="positional">Positional (same layout on both sides)</option>
            <option value="translated">Translated (type the characters you see)</option>
          </select>
        </label>
        <button data-testid="open-paste" onClick={() => props.onPaste()}>
          Paste…
        </button>
        {props.desktop && (
          <>
            <button
              data-testid="fullscreen"
              title="Full screen, with Esc, Alt+Tab and the Windows key sent to the target where the browser allows (hold Esc to leave)"
              aria-pressed={props.desktop.fullscreen().fullscreen}
              onClick={() => props.desktop?.toggleFullscreen()}
            >
              Full screen
            </button>
            <button
              data-testid="pointer-lock"
              title="Capture the mouse and send relative motion, for targets with no absolute pointer (Esc releases it)"
              aria-pressed={props.desktop.pointerLocked()}
              disabled={!props.desktop.relativeMouse()}
              onClick={() => props.desktop?.lockPointer()}
            >
              Capture mouse
            </button>
          </>
        )}
        {props.children}
        {props.layoutError && <span class="error">{props.layoutError}</span>}
      </div>
    </nav>
  );
}
