import { createMemo, createSignal, For } from 'solid-js';
import { layoutGroups, searchLayouts } from '../lib/layouts/index.ts';

/**
 * Picks the target's keyboard layout: a search box (name, PiKVM/JetKVM alias, language or
 * country) over a select grouped by region or script.
 */
export function LayoutPicker(props: { value: string; onChange: (name: string) => void; id?: string }) {
  const [query, setQuery] = createSignal('');
  const groups = createMemo(() => {
    const q = query().trim();
    if (!q) return layoutGroups();
    return [{ group: `Matches for “${q}”`, entries: searchLayouts(q) }];
  });
  return (
    <span class="layout-picker">
      <input
        type="search"
        placeholder="Search layouts…"
        aria-label="Search keyboard layouts"
        value={query()}
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          const first = searchLayouts(e.currentTarget.value)[0];
          if (e.currentTarget.value.trim() && first) props.onChange(first.name);
        }}
      />
      <select
        id={props.id}
        aria-label="Target keyboard layout"
        data-testid="layout"
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        <For each={groups()}>
          {(g) => (
            <optgroup label={g.group}>
              <For each={g.entries}>
                {(e) => (
                  <option value={e.name} selected={e.name === props.value}>{`${e.description} (${e.name})`}</option>
                )}
              </For>
            </optgroup>
          )}
        </For>
      </select>
    </span>
  );
}
