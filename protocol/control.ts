import { arity, bool, list, oneOf, str, uint } from './fields.ts';

/** Tags 0x40..0x4f: who controls the target's keyboard and mouse. */
export const ControlTag = { request: 0x40, release: 0x41, status: 0x42 } as const;

/** Account roles, as the bridge's auth module names them. Viewers never control. */
export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Longest user name the protocol carries, chars. */
export const MAX_USER_CHARS = 64;
/** Most waiting users a control-status lists. */
export const MAX_WAITING = 64;

/**
 * Client → bridge: ask for control. Wire: `[0x40, take: bool]`.
 * - take=false: get control if nobody has it, else join the queue (control-status lists it).
 * - take=true: take it now. An admin always may; an operator only after waiting at least 10 s
 *   while the controller has been idle. Otherwise the answer is `not-allowed` and the request
 *   stays queued. Viewers get `not-allowed`.
 * Every hand-over first releases all keys and buttons of the previous controller.
 */
export interface ControlRequest {
  type: 'control-request';
  take: boolean;
}

/** Client → bridge: give control up (or leave the queue). Wire: `[0x41]`. The first waiter gets it. */
export interface ControlRelease {
  type: 'control-release';
}

/**
 * Bridge → client, sent after hello and on every change of controller or queue.
 * Wire: `[0x42, controller, controllerUser, you, role, waiting: str[]]`:
 * - controller: the controlling client's id (uint32), 0 if nobody controls;
 * - controllerUser: its user name ('' if nobody; set during a disconnected controller's reconnect grace);
 * - you: the receiving client's own id;
 * - role: the receiving client's role;
 * - waiting: user names in the queue, oldest first (at most 64).
 */
export interface ControlStatus {
  type: 'control-status';
  controller: number;
  controllerUser: string;
  you: number;
  role: Role;
  waiting: string[];
}

export type ControlMessage = ControlRequest | ControlRelease | ControlStatus;

export function controlToWire(m: ControlMessage): unknown[] {
  switch (m.type) {
    case 'control-request':
      return [ControlTag.request, m.take];
    case 'control-release':
      return [ControlTag.release];
    case 'control-status':
      return [ControlTag.status, m.controller, m.controllerUser, m.you, m.role, m.waiting];
  }
}

export function controlFromWire(tag: number, w: readonly unknown[]): ControlMessage | undefined {
  switch (tag) {
    case ControlTag.request:
      arity(w, 'control-request', 1);
      return { type: 'control-request', take: bool(w[1], 'control-request.take') };
    case ControlTag.release:
      arity(w, 'control-release', 0);
      return { type: 'control-release' };
    case ControlTag.status:
      arity(w, 'control-status', 5);
      return {
        type: 'control-status',
        controller: uint(w[1], 'control-status.controller', 0xffffffff),
        controllerUser: str(w[2], 'control-status.controllerUser', MAX_USER_CHARS),
        you: uint(w[3], 'control-status.you', 0xffffffff),
        role: oneOf(w[4], 'control-status.role', ROLES),
        waiting: list(w[5], 'control-status.waiting', MAX_WAITING).map((u, i) =>
          str(u, `control-status.waiting[${i}]`, MAX_USER_CHARS),
        ),
      };
    default:
      return undefined;
  }
}
