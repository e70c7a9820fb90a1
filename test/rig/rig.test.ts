import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBKVM_GADGET } from '../../hardware/gadget/spec.ts';
import { runRig, summary, type RigRun } from './run.ts';

/**
 * The HID path on a real Linux kernel: Debian's kernel under QEMU, the gadget made by the
 * project's own setup bundle, driven by the bridge's own relay, and read back from evdev on the
 * host side of the same kernel (dummy_hcd connects the two). One boot; each `it` judges one check.
 */

let run: RigRun;
const verdicts: Record<string, boolean> = {};

/** The result of a guest check; fails with the guest's error if the check threw. */
// Guest check results are JSON whose fields each test reads and asserts itself.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function result(name: string): Record<string, any> {
  const c = run.checks.get(name);
  if (!c)
    throw new Error(
      `guest never reported check "${name}" (qemu exit ${String(run.qemuCode)}, timed out: ${run.timedOut}); see ${run.consoleLog}`,
    );
  if (c.error) throw new Error(`guest check "${name}" failed: ${c.error.code}: ${c.error.message}\n${c.error.stack}`);
  return c.result!;
}

const judged = (name: string, body: () => void) => () => {
  body();
  verdicts[name] = true;
};

beforeAll(async () => {
  run = await runRig((line) => process.stderr.write(`${line}\n`));
});

afterAll(() => {
  if (run) console.log(summary(run, verdicts));
});

describe('kernel rig', () => {
  it(
    'sets a half-made gadget up, is idempotent, and enumerates with our identity',
    judged('setup', () => {
      const r = result('setup');
      expect(r.halfMade.status).toBe(0);
      expect(r.halfMade.out).toMatch(/recreated, bound to dummy_udc\.0/);
      expect(r.again.status).toBe(0);
      expect(r.again.out).toMatch(/already up/);
      expect(r.again.reenumerated).toBe(false);
      expect(r.again.gadgetKept).toBe(true);
      expect(r.usb.device).toMatchObject({
        idVendor: '1d6b',
        idProduct: '0104',
        bcdDevice: '0100',
        version: '2.00',
        manufacturer: 'webkvm',
        product: 'webkvm Composite HID',
        serial: WEBKVM_GADGET.serialnumber,
        bMaxPower: `${WEBKVM_GADGET.maxPower}mA`,
        bNumInterfaces: '3',
        configuration: WEBKVM_GADGET.configuration,
      });
      const hex2 = (n: number) => n.toString(16).padStart(2, '0');
      expect(r.usb.interfaces).toEqual(
        WEBKVM_GADGET.functions.map((f, iface) => ({
          iface,
          class: '03',
          subclass: hex2(f.subclass),
          protocol: hex2(f.protocol),
          endpoints: '01', // IN only: no_out_endpoint
        })),
      );
      // Interface numbers follow the spec's order, and each function got its own hidg node.
      expect(r.inputs.map((i: { role: string; iface: number }) => [i.role, i.iface])).toEqual(
        WEBKVM_GADGET.functions.map((f, n) => [f.role, n]),
      );
      expect(new Set([r.paths.keyboard, r.paths.mouse, r.paths.mouseRel]).size).toBe(3);
    }),
  );

  it('names the hidg nodes with the udev rules: right function, group webkvm, mode 0660', (ctx) => {
    const r = result('udev');
    if (r.skipped) {
      verdicts.udev = false;
      ctx.skip(r.skipped);
    }
    expect(r.devices.map((d: Record<string, unknown>) => [d.link, d.target, d.mode, d.gid])).toEqual(
      r.devices.map((d: Record<string, unknown>) => [d.link, d.expected, '660', 990]),
    );
    expect(r.ok).toBe(true);
    verdicts.udev = true;
  });

  it('has the relay online on the udev names', () => {
    const r = result('relay-online');
    expect(r.status).toMatchObject({ keyboard: true, mouse: true, mouseRel: true });
    if (verdicts.udev)
      expect(r.paths).toMatchObject({
        keyboard: '/dev/webkvm-keyboard',
        mouse: '/dev/webkvm-mouse',
        mouseRel: '/dev/webkvm-mouse-rel',
      });
  });

  it(
    'writes while the host does not poll get EAGAIN without blocking or starving other I/O',
    judged('eagain', () => {
      const r = result('eagain');
      expect(r.eagain).toBeGreaterThan(0);
      // Each finished (within the check's 10 s bound) while the mouse's reports still waited: a
      // blocked event loop or a starved threadpool would have waited for the host to open the mouse.
      expect(r.timerMs).not.toBeNull();
      expect(r.readFileOk).toBe(true);
      expect(r.keyboard).toEqual({ missing: [], strays: [], synDropped: 0 });
      expect(r.keyboardMs).not.toBeNull();
      expect(r.stillPending).toBe(true);
      expect(r.mouse).toEqual({ missing: [], strays: [], synDropped: 0 });
      expect(r.deliveredMs).not.toBeNull();
      // The held moves, once each and in order, after at most the ones f_hid had already taken
      // (usbhid may or may not discard the one in flight when the host opens the mouse).
      expect(r.received).toEqual([...r.acceptedDelivered, ...r.held]);
      expect(r.accepted.slice(r.accepted.length - r.acceptedDelivered.length)).toEqual(r.acceptedDelivered);
    }),
  );

  it(
    'delivers every keyboard usage 0x04..0xE7 and every modifier as the kernel maps it',
    judged('keyboard', () => {
      const r = result('keyboard');
      // One line per usage that failed, whatever else went wrong around it (matcher.ts).
      expect({ missing: r.missing, lost: r.lost, strays: r.strays, refused: r.refused }).toEqual({
        missing: [],
        lost: [],
        strays: [],
        refused: [],
      });
      expect(r.notRun).toBe(0);
      expect(r.usagesOk).toBe(r.usagesTested);
      expect(r.usagesTested + r.skipped.length).toBe(0xe7 - 0x04 + 1);
      expect(r.modifiersOk).toBe(8);
    }),
  );

  it(
    'passes LEDs the host sets to the relay',
    judged('leds', () => {
      const r = result('leds');
      expect(r.initialReports).toBeGreaterThan(0); // the 0x00 at enumeration was read and drained
      expect(r.patterns).toEqual([0x02, 0x05, 0x08, 0x10, 0x1f, 0x00]);
      // Each pattern reached the relay before the next was set, and onLeds saw them in order.
      expect(r.results.filter((p: { ms: number | null }) => p.ms === null)).toEqual([]);
      expect(r.inOrder).toBe(true);
      expect(r.onLeds.at(-1)).toBe(0);
    }),
  );

  it(
    'moves, clicks, scrolls and pans the absolute mouse',
    judged('mouseAbs', () => {
      const { abs } = result('mice');
      expect({ failed: abs.failed, strays: abs.strays, refused: abs.refused }).toEqual({
        failed: [],
        strays: [],
        refused: [],
      });
      expect(abs.ok).toBe(abs.steps);
    }),
  );

  it(
    'moves, clicks and scrolls the relative mouse',
    judged('mouseRel', () => {
      const { rel } = result('mice');
      expect({ failed: rel.failed, strays: rel.strays, refused: rel.refused }).toEqual({
        failed: [],
        strays: [],
        refused: [],
      });
      expect(rel.ok).toBe(rel.steps);
    }),
  );

  it(
    'measures the writer and batch throughput',
    judged('throughput', () => {
      const r = result('throughput');
      const clean = { confirmed: r.writer.reports, missing: [], lost: [], strays: [], synDropped: 0 };
      expect(r.writer.written).toBe(r.writer.reports);
      expect(r.writer.host).toEqual(clean);
      expect(r.batch.outcome).toBe('done');
      expect(r.batch.sent).toBe(r.writer.reports);
      expect(r.batch.host).toEqual(clean);
    }),
  );

  it(
    'pastes a mixed German text through the gadget at every rate preset with no key event lost',
    judged('paste', () => {
      const r = result('paste');
      expect(r.chars).toBeGreaterThan(0);
      for (const rate of ['safe', 'fast']) {
        const p = r[rate];
        expect(
          p.outcomes.every((o: string) => o === 'done'),
          `${rate}: ${p.outcomes.join(', ')}`,
        ).toBe(true);
        expect(p.sent).toBe(p.reports);
        expect(
          { missing: p.host.missing, lost: p.host.lost, strays: p.host.strays },
          `${rate}: ${JSON.stringify(p.host)}`,
        ).toEqual({ missing: 0, lost: 0, strays: 0 });
        expect(p.host.okGroups).toBe(p.host.groups);
      }
    }),
  );

  it(
    'sends Ctrl+Alt+F2 and SysRq R-E-I-S-U-B exactly as the built-ins define them',
    judged('builtins', () => {
      const r = result('builtins');
      // evdev codes (input-event-codes.h): LEFTCTRL 29, LEFTALT 56, F2 60, SYSRQ 99 (HID PrintScreen),
      // R 19, E 18, I 23, S 31, U 22, B 48.
      const presses = (id: string) =>
        (r[id].keyEvents as string[]).filter((e) => e.endsWith('=1')).map((e) => Number(e.split('=')[0]));
      for (const id of ['ctrl-alt-f2', 'sysrq-reisub']) {
        expect(r[id].outcomes).toEqual(['done']);
        expect(r[id].host.missing + r[id].host.lost + r[id].host.strays, JSON.stringify(r[id].host)).toBe(0);
        // Every key pressed is released again.
        expect((r[id].keyEvents as string[]).filter((e) => e.endsWith('=0')).length).toBe(presses(id).length);
      }
      expect(presses('ctrl-alt-f2')).toEqual([29, 56, 60]);
      expect(presses('sysrq-reisub')).toEqual([19, 18, 23, 31, 22, 48].flatMap((k) => [56, 99, k]));
    }),
  );

  it('never overflows the host-side evdev buffers: the paced checks saw no SYN_DROPPED', () => {
    // Each paced check recovers from an overflow (it sends the window again) so its own verdict
    // stays precise; this test is where an overflow fails the run.
    const drops = {
      eagain: result('eagain').keyboard.synDropped + result('eagain').mouse.synDropped,
      keyboard: result('keyboard').synDropped,
      mouseAbs: result('mice').abs.synDropped,
      mouseRel: result('mice').rel.synDropped,
      throughput: result('throughput').synDropped,
    };
    expect(drops).toEqual({ eagain: 0, keyboard: 0, mouseAbs: 0, mouseRel: 0, throughput: 0 });
    expect(result('keyboard').replayed).toEqual([]);
  });

  it(
    'goes offline on unplug, refuses input, reopens on replug and types again',
    judged('replug', () => {
      const r = result('replug');
      expect(r.nodesGone).toBe(true);
      for (const dev of ['keyboard', 'mouse', 'mouse-rel'])
        expect(r.offlineCodes).toContain(`hid.${dev}.offline.ESHUTDOWN=1`);
      expect(r.refusedWhileOffline).toBe('hid-offline');
      expect(r.typed).toEqual([1, 0]);
      expect(r.stale).toEqual([]);
    }),
  );

  it(
    'tears the gadget down, twice',
    judged('down', () => {
      const r = result('down');
      expect(r.first.status).toBe(0);
      expect(r.gone).toBe(true);
      expect(r.hidgNodesLeft).toEqual([]);
      expect(r.inputsLeft).toBe(0);
      expect(r.second.status).toBe(0);
      expect(r.second.out).toMatch(/absent/);
    }),
  );

  it('shuts the guest down cleanly', () => {
    expect(run.timedOut).toBe(false);
    expect(run.records.find((r) => r.type === 'exit')?.code).toBe(0);
    expect(run.records.filter((r) => r.type === 'garbled' || r.type === 'fatal')).toEqual([]);
  });
});
