import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GadgetError } from '../../../hardware/gadget/errors.ts';
import { gadgetDown, gadgetUp, type GadgetPaths } from '../../../hardware/gadget/gadget.ts';
import { main } from '../../../hardware/gadget/cli.ts';

// The configfs behaviour itself (mkdir creating attributes, bind, teardown order) needs a real
// kernel: test/rig covers it. Here: the refusals that happen before configfs is touched.

let root: string;
let paths: GadgetPaths;

beforeEach(() => {
  root = fs.mkdtempSync(join(tmpdir(), 'gadget-test-'));
  paths = { configfs: join(root, 'config'), udcClass: join(root, 'udc') };
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GadgetError);
    return (e as GadgetError).code;
  }
  return 'no error';
};

describe('gadget setup refusals', () => {
  it('says to load libcomposite when configfs has no usb_gadget', () => {
    fs.mkdirSync(paths.configfs);
    expect(codeOf(() => gadgetUp({ paths }))).toBe('configfs-missing');
    expect(codeOf(() => gadgetDown({ paths }))).toBe('configfs-missing');
  });

  it('says to load dwc2 when there is no UDC', () => {
    fs.mkdirSync(join(paths.configfs, 'usb_gadget'), { recursive: true });
    fs.mkdirSync(paths.udcClass);
    expect(codeOf(() => gadgetUp({ paths }))).toBe('no-udc');
    expect(() => gadgetUp({ paths })).toThrow(/dtoverlay=dwc2/);
  });

  it('names the UDCs it has when the configured one is missing', () => {
    fs.mkdirSync(join(paths.configfs, 'usb_gadget'), { recursive: true });
    fs.mkdirSync(join(paths.udcClass, 'fe980000.usb'), { recursive: true });
    expect(codeOf(() => gadgetUp({ paths, udc: 'dummy_udc.0' }))).toBe('udc-unknown');
    expect(() => gadgetUp({ paths, udc: 'dummy_udc.0' })).toThrow(/have: fe980000\.usb/);
  });

  it('takes down an absent gadget as a no-op', () => {
    fs.mkdirSync(join(paths.configfs, 'usb_gadget'), { recursive: true });
    expect(gadgetDown({ paths })).toBe('absent');
  });

  it.each([[[]], [['sideways']], [['up', '--bogus']]])('exits 2 with usage for %j', (argv) => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(main(argv)).toBe(2);
    expect(err.mock.calls.join('\n')).toMatch(/usage: webkvm-gadget up\|down/);
    err.mockRestore();
  });
});
