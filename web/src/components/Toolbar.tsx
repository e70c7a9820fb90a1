import type { Settings, TypingMode } from '../lib/settings.ts';
import { LayoutPicker } from './LayoutPicker.tsx';
import type { DesktopInput } from './Screen.tsx';

/** Target layout, typing mode, the paste panel toggle, fullscreen and pointer lock. */
export function Toolbar(props: {
  settings: Settings;
  update: (p: Partial<Settings>) => void;
  layoutError: string;
  onPaste: () => void;
  /** Fullscreen and pointer lock, once the screen exists. */
  desktop?: DesktopInput;
}) {
  return (
    <nav class="toolbar" aria-label="Keyboard">
      <label for="target-layout">Target layout</label>
      <LayoutPicker
        id="target-layout"
        value={props.settings.targetLayout}
        onChange={(name) => props.update({ targetLayout: name })}
      />
      <label>
        Typing{' '}
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
      {props.layoutError && <span class="error">{props.layoutError}</span>}
    </nav>
  );
}
