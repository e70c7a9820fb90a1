import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pickUdc, readUsbHost } from '../../../bridge/src/hid/udc.ts';
import { GadgetError } from '../../../hardware/gadget/errors.ts';
import { chooseUdc } from '../../../hardware/gadget/udc.ts';

// A temp dir plays sysfs: <root>/udc/<name>/state as the kernel's /sys/class/udc/<name>/state.
let root: string;
let udcClass: string;

/** Makes UDCs with the given states, in the order given (readdir order is not the choice order). */
function udcs(states: Record<string, string>): void {
  for (const [name, state] of Object.entries(states)) {
    fs.mkdirSync(join(udcClass, name), { recursive: true });
    fs.writeFileSync(join(udcClass, name, 'state'), `${state}\n`);
  }
}

beforeEach(() => {
  root = fs.mkdtempSync(join(tmpdir(), 'udc-test-'));
  udcClass = join(root, 'udc');
});
afterEach(() => {
  vi.unstubAllEnvs();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('pickUdc, the one UDC choice', () => {
  it.each([
    { have: ['fe980000.usb'], wanted: undefined, udc: 'fe980000.usb' },
    { have: ['dummy_udc.1', 'dummy_udc.0'], wanted: undefined, udc: 'dummy_udc.0' },
    { have: ['fe980000.usb', 'dummy_udc.0'], wanted: 'fe980000.usb', udc: 'fe980000.usb' },
    { have: ['dummy_udc.0', 'dummy_udc.1'], wanted: '', udc: 'dummy_udc.0' },
  ])('picks $udc from $have with WEBKVM_UDC=$wanted', ({ have, wanted, udc }) => {
    udcs(Object.fromEntries(have.map((n) => [n, 'not attached'])));
    expect(pickUdc({ udcClass, wanted })).toEqual({ ok: true, udc, available: [...have].sort() });
  });

  it.each([
    { have: [], wanted: undefined, code: 'no-udc' },
    { have: [], wanted: 'dummy_udc.0', code: 'udc-unknown' },
    { have: ['fe980000.usb'], wanted: 'dummy_udc.0', code: 'udc-unknown' },
  ])('refuses with $code from $have with WEBKVM_UDC=$wanted', ({ have, wanted, code }) => {
    fs.mkdirSync(udcClass);
    udcs(Object.fromEntries(have.map((n) => [n, 'not attached'])));
    expect(pickUdc({ udcClass, wanted })).toMatchObject({ ok: false, code, available: have });
  });

  it('treats a missing UDC class as no UDC', () => {
    expect(pickUdc({ udcClass })).toMatchObject({ ok: false, code: 'no-udc', available: [] });
  });

  it('reports an unlistable class as unreadable instead of throwing', () => {
    fs.writeFileSync(udcClass, 'not a directory');
    expect(pickUdc({ udcClass, wanted: undefined })).toMatchObject({ ok: false, code: 'unreadable' });
  });

  it('reads WEBKVM_UDC from the environment by default', () => {
    udcs({ 'dummy_udc.0': 'not attached', 'dummy_udc.1': 'not attached' });
    vi.stubEnv('WEBKVM_UDC', 'dummy_udc.1');
    expect(pickUdc({ udcClass })).toMatchObject({ ok: true, udc: 'dummy_udc.1' });
  });
});

describe("the bridge's udcState 'auto'", () => {
  it('watches the UDC named by WEBKVM_UDC, not the first one', () => {
    udcs({ 'dummy_udc.0': 'not attached', 'dummy_udc.1': 'configured' });
    expect(readUsbHost('auto', { udcClass, wanted: undefined })).toBe('disconnected');
    expect(readUsbHost('auto', { udcClass, wanted: 'dummy_udc.1' })).toBe('connected');
    vi.stubEnv('WEBKVM_UDC', 'dummy_udc.1');
    expect(readUsbHost('auto', { udcClass })).toBe('connected');
  });

  it('says unknown when WEBKVM_UDC names a UDC that is not there (the gadget refused to bind)', () => {
    udcs({ 'dummy_udc.0': 'configured' });
    expect(readUsbHost('auto', { udcClass, wanted: 'fe980000.usb' })).toBe('unknown');
  });

  it('says unknown without any UDC', () => {
    expect(readUsbHost('auto', { udcClass })).toBe('unknown');
  });
});

describe('gadget setup and bridge agree', () => {
  it.each([
    [['dummy_udc.1', 'dummy_udc.0'], undefined],
    [['dummy_udc.1', 'dummy_udc.0'], 'dummy_udc.1'],
    [['fe980000.usb', '3f980000.usb'], undefined],
    [['fe980000.usb'], ''],
  ])('binds and watches the same UDC of %j with WEBKVM_UDC=%j', (have, wanted) => {
    // Only the UDC the gadget binds reads "configured"; the bridge must see exactly that one.
    udcs(Object.fromEntries(have.map((n) => [n, 'not attached'])));
    const bound = chooseUdc(udcClass, wanted);
    fs.writeFileSync(join(udcClass, bound, 'state'), 'configured\n');
    expect(readUsbHost('auto', { udcClass, wanted })).toBe('connected');
  });

  it.each([
    [[], undefined, 'no-udc'],
    [['fe980000.usb'], 'dummy_udc.0', 'udc-unknown'],
  ])('both refuse %j with WEBKVM_UDC=%j: the gadget with %s, the bridge with unknown', (have, wanted, code) => {
    fs.mkdirSync(udcClass);
    udcs(Object.fromEntries(have.map((n) => [n, 'configured'])));
    expect(() => chooseUdc(udcClass, wanted)).toThrow(GadgetError);
    expect(() => chooseUdc(udcClass, wanted)).toThrow(expect.objectContaining({ code }));
    expect(readUsbHost('auto', { udcClass, wanted })).toBe('unknown');
  });
});
