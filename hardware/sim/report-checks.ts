/** Layout checks for reports arriving from the bridge (see protocol/reports.ts). */
import { ABS_MAX } from '../../protocol/reports.ts';

/**
 * Why a report breaks its layout (see protocol/reports.ts), or undefined if it is well formed.
 * Bad reports are still applied, as a lenient host would (absolute coordinates clamped, as Linux
 * does); the sim counts them so tests catch a bridge that writes garbage.
 */
export function reportProblem(kind: 'keyboard' | 'mouse' | 'mouse-relative', r: Uint8Array): string | undefined {
  const s8 = (i: number): number => (r[i]! << 24) >> 24;
  if (kind === 'keyboard') return r[1] !== 0 ? 'reserved byte 1 is not 0' : undefined;
  if (r[0]! & 0xe0) return 'button padding bits 5..7 set';
  if (kind === 'mouse') {
    const x = r[1]! | (r[2]! << 8),
      y = r[3]! | (r[4]! << 8);
    if (x > ABS_MAX || y > ABS_MAX) return `coordinate above ${ABS_MAX}`;
    return s8(5) === -128 || s8(6) === -128 ? 'wheel/pan -128 is below the logical minimum -127' : undefined;
  }
  return [1, 2, 3].some((i) => s8(i) === -128) ? 'value -128 is below the logical minimum -127' : undefined;
}
