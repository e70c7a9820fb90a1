/**
 * The macro export file and its validation (valibot). Format, version 1:
 *
 * ```json
 * { "format": "webkvm-macros", "version": 1, "exportedAt": "2025-01-01T00:00:00.000Z",
 *   "macros": [{ "name": "Login", "tags": ["bios"], "repeat": 1,
 *                "steps": [{ "kind": "key-down", "usage": 4 }, { "kind": "delay", "ms": 50 }] }] }
 * ```
 *
 * Steps are those of model.ts: usages are HID usage IDs the Keyboard/Keypad page defines
 * (`isKnownUsage`), delays 0..60000 ms, mouse x/y 0..32767. Library ids and times are not
 * exported: an import gets new ones. Unknown fields are refused, so a typo is not silently lost.
 */
import * as v from 'valibot';
import { MacroError } from './errors.ts';
import {
  ABS_MAX,
  isKnownUsage,
  MAX_DELAY_MS,
  MAX_NAME,
  MAX_REPEAT,
  MAX_STEPS,
  MAX_TAG,
  MAX_TAGS,
  MAX_TEXT,
  MOUSE_BUTTONS,
  type MacroBody,
} from './model.ts';

export const EXPORT_FORMAT = 'webkvm-macros';
export const EXPORT_VERSION = 1;
/** Largest import file, bytes; a bigger one is refused before it is read or parsed. */
export const MAX_IMPORT_BYTES = 4 * 1024 * 1024;
/** Most macros one file may carry. */
export const MAX_IMPORT_MACROS = 1000;

const int = (min: number, max: number, what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.integer(`${what} must be a whole number`),
    v.minValue(min, `${what} must be at least ${min}`),
    v.maxValue(max, `${what} must be at most ${max}`),
  );

const usage = v.pipe(
  int(0, 0xff, 'HID usage'),
  v.check(isKnownUsage, (i) => `unknown HID usage 0x${Number(i.input).toString(16).padStart(2, '0')} (page 0x07)`),
);
const coord = (axis: string) => int(0, ABS_MAX, `${axis} (absolute, 0..${ABS_MAX})`);

export const StepSchema = v.variant(
  'kind',
  [
    v.strictObject({ kind: v.literal('key-down'), usage }),
    v.strictObject({ kind: v.literal('key-up'), usage }),
    v.strictObject({ kind: v.literal('delay'), ms: int(0, MAX_DELAY_MS, 'delay (ms)') }),
    v.strictObject({
      kind: v.literal('text'),
      text: v.pipe(v.string(), v.maxLength(MAX_TEXT, `text longer than ${MAX_TEXT} characters`)),
    }),
    v.strictObject({ kind: v.literal('mouse-move'), x: coord('x'), y: coord('y') }),
    v.strictObject({
      kind: v.literal('mouse-click'),
      button: v.picklist(MOUSE_BUTTONS, `button must be one of ${MOUSE_BUTTONS.join(', ')}`),
    }),
  ],
  (i) => `unknown step kind ${JSON.stringify(i.input)}`,
);

export const MacroBodySchema = v.strictObject({
  name: v.pipe(
    v.string('name must be text'),
    v.trim(),
    v.minLength(1, 'name is empty'),
    v.maxLength(MAX_NAME, `name longer than ${MAX_NAME}`),
  ),
  tags: v.pipe(
    v.array(
      v.pipe(v.string(), v.trim(), v.minLength(1, 'empty tag'), v.maxLength(MAX_TAG, `tag longer than ${MAX_TAG}`)),
    ),
    v.maxLength(MAX_TAGS, `more than ${MAX_TAGS} tags`),
  ),
  repeat: v.union(
    [v.literal('until-stopped'), int(1, MAX_REPEAT, 'repeat')],
    `repeat must be 1..${MAX_REPEAT} or "until-stopped"`,
  ),
  steps: v.pipe(v.array(StepSchema), v.maxLength(MAX_STEPS, `more than ${MAX_STEPS} steps`)),
});

const FileHeaderSchema = v.looseObject({ format: v.unknown(), version: v.unknown() });
const FileSchema = v.strictObject({
  format: v.literal(EXPORT_FORMAT),
  version: v.literal(EXPORT_VERSION),
  exportedAt: v.optional(v.string()),
  macros: v.pipe(v.array(MacroBodySchema), v.maxLength(MAX_IMPORT_MACROS, `more than ${MAX_IMPORT_MACROS} macros`)),
});

/** `macros[2].steps[5].usage` for an issue's path ('' for the root). */
function pathOf(issue: v.BaseIssue<unknown>): string {
  let out = '';
  for (const item of issue.path ?? []) {
    const key = item.key;
    out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  }
  return out;
}

function firstIssue(issues: readonly v.BaseIssue<unknown>[]): MacroError {
  // The deepest issue names the field that is wrong, not the union that contained it.
  const issue = issues.reduce((a, b) => ((b.path?.length ?? 0) > (a.path?.length ?? 0) ? b : a));
  const message = issue.type === 'strict_object' ? 'unknown field' : issue.message;
  return new MacroError('invalid', message, pathOf(issue));
}

/**
 * Checks one macro body (from the editor or a file).
 * @returns the body, trimmed, or a MacroError 'invalid' naming the first bad field
 */
export function validateBody(input: unknown): MacroBody | MacroError {
  const r = v.safeParse(MacroBodySchema, input);
  return r.success ? r.output : firstIssue(r.issues);
}

/**
 * Parses an export file's text (its size already checked with {@link checkImportSize}).
 * @returns the macros, or a MacroError: 'bad-json', 'bad-format' (not an export), 'bad-version',
 *   'invalid' (path + reason, e.g. `macros[0].steps[3].ms: delay (ms) must be at most 60000`)
 */
export function parseExport(text: string): MacroBody[] | MacroError {
  if (text.length > MAX_IMPORT_BYTES) return new MacroError('too-large', `file is over ${MAX_IMPORT_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return new MacroError('bad-json', `not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const head = v.safeParse(FileHeaderSchema, json);
  if (!head.success || head.output.format !== EXPORT_FORMAT)
    return new MacroError('bad-format', `not a webkvm macro export (expected "format": "${EXPORT_FORMAT}")`, 'format');
  if (head.output.version !== EXPORT_VERSION)
    return new MacroError(
      'bad-version',
      `format version ${JSON.stringify(head.output.version)} is not supported (this app reads version ${EXPORT_VERSION})`,
      'version',
    );
  const r = v.safeParse(FileSchema, json);
  return r.success ? r.output.macros : firstIssue(r.issues);
}

/** Refuses a file by its size before anything reads it (a 10 MB paste of junk never gets parsed). */
export function checkImportSize(bytes: number): MacroError | undefined {
  return bytes > MAX_IMPORT_BYTES
    ? new MacroError('too-large', `file is ${bytes} bytes; the limit is ${MAX_IMPORT_BYTES} bytes`)
    : undefined;
}

/** The export file text for `macros` (pretty-printed, stable field order). */
export function toExport(macros: readonly MacroBody[], now: Date): string {
  const file = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now.toISOString(),
    macros: macros.map((m) => ({ name: m.name, tags: m.tags, repeat: m.repeat, steps: m.steps })),
  };
  return `${JSON.stringify(file, null, 1)}\n`;
}
