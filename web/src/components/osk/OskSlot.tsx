/**
 * Where the on-screen keyboard plugs into the page: a toolbar toggle and the panel under the
 * screen, sharing one open/closed signal. The keyboard itself (Osk.tsx, its geometry, legends
 * and CSS) is fetched with import() the first time it opens, so the first load does not grow.
 * (A plain import() and a signal, not Solid's lazy/Suspense: those would add their own code to
 * the first load.)
 */
import { createSignal, Show } from 'solid-js';
import type { Osk as OskComponent, OskProps } from './Osk.tsx';

export function createOskSlot() {
  const [open, setOpen] = createSignal(false);
  const [mod, setMod] = createSignal<typeof OskComponent>();
  const [failed, setFailed] = createSignal('');
  const load = (): void => {
    if (mod()) return;
    import('./Osk.tsx').then(
      (m) => setMod(() => m.Osk),
      (e: unknown) => {
        // Offline with a stale cache, or a chunk of an older build: say so on the button.
        console.warn('on-screen keyboard failed to load', e);
        setFailed(e instanceof Error ? e.message : String(e));
      },
    );
  };
  return {
    open,
    /** The toolbar button. */
    Button: () => (
      <button
        type="button"
        data-testid="open-osk"
        title={
          failed() ? `The on-screen keyboard failed to load: ${failed()}` : "On-screen keyboard in the target's layout"
        }
        aria-pressed={open()}
        onClick={() => {
          setFailed('');
          load();
          setOpen(!open());
        }}
      >
        ⌨ Keyboard{failed() ? ' (failed)' : ''}
      </button>
    ),
    /** The keyboard, under the screen; the screen shrinks above it. */
    Panel: (props: Omit<OskProps, 'controller' | 'onClose'> & { controller: OskProps['controller'] | undefined }) => (
      <Show when={open() && props.controller && mod()}>
        {(m) => {
          const Osk = m();
          return (
            <Osk
              controller={props.controller!}
              layout={props.layout}
              leds={props.leds}
              settings={props.settings}
              update={props.update}
              onClose={() => setOpen(false)}
            />
          );
        }}
      </Show>
    ),
  };
}
