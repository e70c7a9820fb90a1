import type { HidDevice, HidStatus } from '../../../protocol/index.ts';
import { Counters } from '../../../bridge/src/counters.ts';
import { HidRelay, type HidPaths } from '../../../bridge/src/hid/relay.ts';
import { WEBKVM_GADGET, type GadgetSpec } from '../../../hardware/gadget/spec.ts';
import { EvdevReader } from './evdev.ts';
import { findGadgetInputs, inputOf, type GadgetInput } from './inputs.ts';
import { waitFor } from './util.ts';

/** What the checks share: the bridge's relay on the gadget's nodes and readers on the host side. */
export interface RigContext {
  gadgetBundle: string;
  spec: GadgetSpec;
  udc: string;
  paths: HidPaths;
  counters: Counters;
  relay: HidRelay;
  /** Every status the relay reported, in order. */
  statuses: HidStatus[];
  /** Every LED byte the relay passed to onLeds. */
  leds: number[];
  log: string[];
  inputs: GadgetInput[];
  /** Host-side readers; the mice readers are opened by the checks that need a polled mouse. */
  readers: { keyboard: EvdevReader; mouse?: EvdevReader; mouseRel?: EvdevReader };
}

/** The client id the checks' batches are played for. */
export const CLIENT = 1;

/**
 * Writes one live report through the relay, as the bridge does for the controlling client.
 * @returns the relay's refusal code ('busy', 'hid-offline'...), or undefined once queued
 */
export function send(ctx: RigContext, device: HidDevice, report: Uint8Array): string | undefined {
  return ctx.relay.report(device, report)?.code;
}

/** Resolves once the host has an input device for all three functions; returns them. */
export async function waitForInputs(
  spec: GadgetSpec,
  timeoutMs: number,
  exclude: readonly string[] = [],
): Promise<GadgetInput[]> {
  let inputs: GadgetInput[] = [];
  await waitFor(
    () => {
      inputs = findGadgetInputs(spec.idVendor, spec.idProduct).filter((i) => !exclude.includes(i.input));
      return inputs.length === spec.functions.length;
    },
    timeoutMs,
    'the host-side input devices of the gadget',
  );
  return inputs;
}

export function makeContext(gadgetBundle: string, udc: string, paths: HidPaths, inputs: GadgetInput[]): RigContext {
  const counters = new Counters();
  const statuses: HidStatus[] = [];
  const leds: number[] = [];
  const log: string[] = [];
  // The keyboard is always polled by the host (the VT keyboard handler holds it open).
  const keyboard = new EvdevReader(inputOf(inputs, 'keyboard').event);
  const relay = new HidRelay({
    paths,
    counters,
    log: (line) => log.push(line),
    onStatus: (s) => statuses.push(s),
    onLeds: (l) => leds.push(l),
  });
  return {
    gadgetBundle,
    spec: WEBKVM_GADGET,
    udc,
    paths,
    counters,
    relay,
    statuses,
    leds,
    log,
    inputs,
    readers: { keyboard },
  };
}
