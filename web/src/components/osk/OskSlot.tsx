/**
 * Where the on-screen keyboard plugs into the page: a toolbar toggle and the panel under the
 * screen, sharing one open/closed signal. The keyboard itself (Osk.tsx, its geometry, legends
 * and CSS) is fetched with import() the first time it opens, so the first load does not grow.
 */
import { createSignal, lazy, Show, Suspense } from 'solid-js';
import type { OskProps } from './Osk.tsx';

const Osk = lazy(() => import('./Osk.tsx'));

export function createOskSlot() {
  const [open, setOpen] = createSignal(false);
  return {
    open,
    /** The toolbar button. */
    Button: () => (
      <button
        type="button"
        data-testid="open-osk"
        title="On-screen keyboard in the target's layout"
        aria-pressed={open()}
        onClick={() => setOpen(!open())}
      >
        ⌨ Keyboard
      </button>
    ),
    /** The keyboard, under the screen; the screen shrinks above it. */
    Panel: (props: Omit<OskProps, 'controller' | 'onClose'> & { controller: OskProps['controller'] | undefined }) => (
      <Show when={open() && props.controller}>
        {(controller) => (
          <Suspense>
            <Osk
              controller={controller()}
              layout={props.layout}
              leds={props.leds}
              settings={props.settings}
              update={props.update}
              onClose={() => setOpen(false)}
            />
          </Suspense>
        )}
      </Show>
    ),
  };
}
