/**
 * Keyboard layouts of the target: generated xkb tables (layout-data.ts), the paste planner,
 * translated typing and on-screen keyboard labels. See each module for details.
 */
export { CATALOGUE, findLayout, layoutGroups, loadLayout, searchLayouts } from './catalogue.ts';
export { LayoutError, type LayoutErrorCode } from './errors.ts';
export { repertoire, strokesFor, type Keystroke, type LookupOptions } from './keystrokes.ts';
export { deadKeyLabel, labelsFor, type KeyLabels } from './labels.ts';
export { layoutFromData, type Layout } from './layout.ts';
export type { CatalogueEntry, KeyData, LayoutData } from './layout-data.ts';
export {
  chunkSteps,
  findUntypable,
  planText,
  RATE_PRESETS,
  DEFAULT_RATE,
  type CharRef,
  type Plan,
  type PlanOptions,
  type RatePreset,
} from './planner.ts';
export { translateKey, type KeyEventLike, type Translation, type TranslateOptions } from './translate.ts';
export { UNICODE_FALLBACKS, type UnicodeFallback } from './unicode-input.ts';
