import { describe, expect, it } from 'vitest';
import { BUILTINS, findBuiltin } from '../../../web/src/lib/macros/builtins.ts';
import { validateBody } from '../../../web/src/lib/macros/schema.ts';
import { MacroError } from '../../../web/src/lib/macros/errors.ts';
import type { Step } from '../../../web/src/lib/macros/model.ts';

const keys = (steps: readonly Step[]) =>
  steps.flatMap((s) =>
    s.kind === 'key-down' ? [`+${s.usage.toString(16)}`] : s.kind === 'key-up' ? [`-${s.usage.toString(16)}`] : [],
  );

describe('built-in shortcuts', () => {
  it('are all valid macro bodies with unique ids', () => {
    for (const b of BUILTINS) expect(validateBody(b.body), b.id).not.toBeInstanceOf(MacroError);
    expect(new Set(BUILTINS.map((b) => b.id)).size).toBe(BUILTINS.length);
  });

  it.each([
    ['ctrl-alt-del', ['+e0', '+e2', '+4c', '-4c', '-e2', '-e0']],
    ['ctrl-alt-f2', ['+e0', '+e2', '+3b', '-3b', '-e2', '-e0']],
    ['ctrl-alt-f12', ['+e0', '+e2', '+45', '-45', '-e2', '-e0']],
    ['alt-tab', ['+e2', '+2b', '-2b', '-e2']],
    ['meta', ['+e3', '-e3']],
    ['sysrq-h', ['+e2', '+46', '+b', '-b', '-46', '-e2']],
    ['kvm-scroll-scroll', ['+47', '-47', '+47', '-47']],
    ['kvm-ctrl-ctrl-3', ['+e0', '-e0', '+e0', '-e0', '+20', '-20']],
  ])('%s presses the right keys', (id, want) => {
    expect(keys(findBuiltin(id)!.body.steps)).toEqual(want);
  });

  it('REISUB sends R, E, I, S, U, B under Alt+SysRq, behind a confirmation', () => {
    const b = findBuiltin('sysrq-reisub')!;
    expect(b.confirm).toMatch(/reboot/);
    const letters = b.body.steps.flatMap((s) => (s.kind === 'key-down' && s.usage < 0x1e ? [s.usage] : []));
    expect(letters.map((u) => String.fromCharCode(0x61 + u - 4)).join('')).toBe('reisub');
  });

  it('boot helpers tap every 100 ms for 10 s', () => {
    for (const id of ['boot-f2', 'boot-del', 'boot-f12', 'boot-esc']) {
      const b = findBuiltin(id)!.body;
      const per = b.steps.reduce((ms, s) => ms + (s.kind === 'delay' ? s.ms : 0), 0);
      expect(per * (b.repeat as number)).toBe(10_000);
      expect(per).toBe(100);
    }
  });

  it('risky SysRq letters ask first, harmless ones do not', () => {
    expect(findBuiltin('sysrq-b')!.confirm).toBeDefined();
    expect(findBuiltin('sysrq-h')!.confirm).toBeUndefined();
  });
});
