import { createSignal, type Accessor } from 'solid-js';
import { DEFAULT_RATE, UNICODE_FALLBACKS, type RatePreset, type UnicodeFallback } from './layouts/index.ts';
import type { TouchMode } from './input/sources/touch.ts';
import type { Geometry } from './osk/geometry.ts';
import { DEFAULT_VIDEO_TRANSPORT, isVideoTransport, type VideoTransport } from '../video/transport.ts';

/**
 * How keys typed on this device reach the target:
 * - positional: KeyboardEvent.code goes to the same key (both sides use the same layout);
 * - translated: KeyboardEvent.key is typed with the target layout's keystrokes (layouts differ);
 *   shortcuts with Ctrl, Alt or Meta stay positional.
 */
export type TypingMode = 'positional' | 'translated';

export interface Settings {
  /** The target computer's keyboard layout, as xkb names it (e.g. 'de', 'ch(fr)'). */
  targetLayout: string;
  typingMode: TypingMode;
  pasteRate: RatePreset;
  unicodeFallback: UnicodeFallback;
  /** On-screen keyboard shape: `auto` follows the target layout (jp → JIS, br → ABNT2, de → ISO). */
  oskGeometry: Geometry | 'auto';
  /** On-screen keyboard size step (index into components/osk/media.ts OSK_SIZES, 0..5). */
  oskSize: number;
  /** The on-screen keyboard shows its numpad. */
  oskNumpad: boolean;
  /** Touch on the picture: `direct` (taps click where they land) or `trackpad` (relative pointer). */
  touchMode: TouchMode;
  /** Where video frames reach the decoder worker (video/api.ts VideoTransport); `?video=` overrides it. */
  videoTransport: VideoTransport;
}

const KEY = 'webkvm.settings.v1';
const DEFAULTS: Settings = {
  targetLayout: 'us',
  typingMode: 'positional',
  pasteRate: DEFAULT_RATE,
  unicodeFallback: 'skip',
  oskGeometry: 'auto',
  oskSize: 2,
  oskNumpad: false,
  touchMode: 'direct',
  videoTransport: DEFAULT_VIDEO_TRANSPORT,
};

function load(): Settings {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Settings>;
    const s = { ...DEFAULTS, ...raw };
    if (!(UNICODE_FALLBACKS as readonly string[]).includes(s.unicodeFallback)) s.unicodeFallback = 'skip';
    if (s.typingMode !== 'translated') s.typingMode = 'positional';
    if (s.pasteRate !== 'fast' && s.pasteRate !== 'safe') s.pasteRate = DEFAULT_RATE;
    if (!['auto', 'ansi', 'iso', 'jis', 'abnt2'].includes(s.oskGeometry)) s.oskGeometry = 'auto';
    if (!Number.isInteger(s.oskSize) || s.oskSize < 0 || s.oskSize > 5) s.oskSize = DEFAULTS.oskSize;
    s.oskNumpad = s.oskNumpad === true;
    if (s.touchMode !== 'trackpad') s.touchMode = 'direct';
    if (!isVideoTransport(s.videoTransport)) s.videoTransport = DEFAULT_VIDEO_TRANSPORT;
    return s;
  } catch (e) {
    console.warn('settings unreadable, using defaults', e);
    return DEFAULTS;
  }
}

/** User settings kept in localStorage, so the installed PWA remembers them offline. */
export function makeSettings(): { settings: Accessor<Settings>; update(patch: Partial<Settings>): void } {
  const [settings, setSettings] = createSignal<Settings>(load());
  return {
    settings,
    update(patch) {
      const next = { ...settings(), ...patch };
      setSettings(next);
      try {
        localStorage.setItem(KEY, JSON.stringify(next));
      } catch (e) {
        console.warn('settings not saved', e);
      }
    },
  };
}
