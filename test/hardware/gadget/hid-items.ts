/**
 * A small HID report descriptor parser for tests: short items only (HID 1.11 §6.2.2.2), the global
 * and local state the gadget's descriptors use, and the resulting report fields with bit offsets.
 * Logical Minimum/Maximum are signed (§6.2.2.7); usages are unsigned.
 */

export interface HidField {
  kind: 'input' | 'output' | 'feature';
  /** Bit offset inside its report (no Report IDs here). */
  offset: number;
  size: number;
  count: number;
  /** Main item data: bit 0 constant, bit 1 variable, bit 2 relative. */
  flags: number;
  usagePage: number;
  /** Explicit usages, or [min, max] expanded when the range is small; empty for padding. */
  usages: number[];
  usageMin?: number;
  usageMax?: number;
  logicalMin: number;
  logicalMax: number;
  /** Usages of the enclosing collections, outermost first, as `type:page:usage`. */
  collections: string[];
}

export interface ParsedDescriptor {
  fields: HidField[];
  /** Bits per report kind. */
  bits: Record<HidField['kind'], number>;
  /** Collection depth at the end: 0 when every Collection has its End Collection. */
  openCollections: number;
}

const unsigned = (data: number[]) => data.reduce((v, b, i) => v + b * 2 ** (8 * i), 0);
const signed = (data: number[]) => {
  const u = unsigned(data);
  const bits = 8 * data.length;
  return bits > 0 && u >= 2 ** (bits - 1) ? u - 2 ** bits : u;
};

export function parseDescriptor(desc: Uint8Array): ParsedDescriptor {
  const g = { usagePage: 0, logicalMin: 0, logicalMax: 0, size: 0, count: 0 };
  let local: { usages: number[]; min?: number; max?: number } = { usages: [] };
  const stack: string[] = [];
  const fields: HidField[] = [];
  const bits = { input: 0, output: 0, feature: 0 };
  let i = 0;
  while (i < desc.length) {
    const prefix = desc[i]!;
    if (prefix === 0xfe) throw new Error(`long item at ${i} not supported`);
    const len = [0, 1, 2, 4][prefix & 3]!;
    const data = [...desc.subarray(i + 1, i + 1 + len)];
    if (data.length !== len) throw new Error(`item at ${i} runs past the end`);
    const type = (prefix >> 2) & 3;
    const tag = prefix >> 4;
    i += 1 + len;
    if (type === 0) {
      // Main items
      if (tag === 0x8 || tag === 0x9 || tag === 0xb) {
        const kind = tag === 0x8 ? 'input' : tag === 0x9 ? 'output' : 'feature';
        const usages =
          local.usages.length > 0
            ? local.usages
            : local.min !== undefined && local.max !== undefined && local.max - local.min < 16
              ? range(local.min, local.max)
              : [];
        fields.push({
          kind,
          offset: bits[kind],
          size: g.size,
          count: g.count,
          flags: unsigned(data),
          usagePage: g.usagePage,
          usages,
          ...(local.min !== undefined && { usageMin: local.min }),
          ...(local.max !== undefined && { usageMax: local.max }),
          logicalMin: g.logicalMin,
          logicalMax: g.logicalMax,
          collections: [...stack],
        });
        bits[kind] += g.size * g.count;
      } else if (tag === 0xa) {
        stack.push(`${unsigned(data)}:${g.usagePage.toString(16)}:${(local.usages[0] ?? 0).toString(16)}`);
      } else if (tag === 0xc) {
        stack.pop();
      } else {
        throw new Error(`unknown main item tag ${tag}`);
      }
      local = { usages: [] };
    } else if (type === 1) {
      // Global items
      if (tag === 0x0) g.usagePage = unsigned(data);
      else if (tag === 0x1) g.logicalMin = signed(data);
      else if (tag === 0x2) g.logicalMax = signed(data);
      else if (tag === 0x7) g.size = unsigned(data);
      else if (tag === 0x9) g.count = unsigned(data);
      else throw new Error(`global item tag ${tag} not supported`);
    } else if (type === 2) {
      // Local items
      if (tag === 0x0) local.usages.push(unsigned(data));
      else if (tag === 0x1) local.min = unsigned(data);
      else if (tag === 0x2) local.max = unsigned(data);
      else throw new Error(`local item tag ${tag} not supported`);
    } else {
      throw new Error(`reserved item type at ${i}`);
    }
  }
  return { fields, bits, openCollections: stack.length };
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => a + k);

/** Reads element `index` of `field` from a report, sign-extended when the logical minimum is negative. */
export function readField(report: Uint8Array, field: HidField, index = 0): number {
  let v = 0;
  const start = field.offset + index * field.size;
  for (let b = 0; b < field.size; b++) {
    const bit = start + b;
    if ((report[bit >> 3]! >> (bit & 7)) & 1) v += 2 ** b;
  }
  return field.logicalMin < 0 && v >= 2 ** (field.size - 1) ? v - 2 ** field.size : v;
}
