import { For } from 'solid-js';
import { UNICODE_FALLBACKS, type UnicodeFallback } from '../lib/layouts/index.ts';

const FALLBACK_LABELS: Record<UnicodeFallback, string> = {
  skip: 'Skip them',
  linux: 'Linux: Ctrl+Shift+U, hex, Space (GTK/IBus)',
  windows: 'Windows: Alt + numpad code (Windows-1252)',
  'windows-altx': 'Windows: hex then Alt+X (Word, WordPad)',
  macos: 'macOS: Unicode Hex Input (Option + hex)',
};

/**
 * "Characters the layout lacks": skip them or type them through the target OS's Unicode entry
 * (layouts/unicode-input.ts). One setting, offered by paste and by the phone keyboard alike.
 */
export function UnicodeFallbackSelect(props: {
  value: UnicodeFallback;
  onChange: (f: UnicodeFallback) => void;
  testId: string;
}) {
  return (
    <label>
      Characters the layout lacks{' '}
      <select
        data-testid={props.testId}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value as UnicodeFallback)}
      >
        <For each={[...UNICODE_FALLBACKS]}>{(f) => <option value={f}>{FALLBACK_LABELS[f]}</option>}</For>
      </select>
    </label>
  );
}
