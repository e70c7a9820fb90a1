import type { Settings, TypingMode } from '../lib/settings.ts';
import { LayoutPicker } from './LayoutPicker.tsx';

/** Target layout, typing mode and the paste panel toggle. */
export function Toolbar(props: {
  settings: Settings;
  update: (p: Partial<Settings>) => void;
  layoutError: string;
  onPaste: () => void;
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
      {props.layoutError && <span class="error">{props.layoutError}</span>}
    </nav>
  );
}
