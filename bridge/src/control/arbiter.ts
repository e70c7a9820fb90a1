import type { ControlStatus, Role } from '../../../protocol/index.ts';
import { MAX_WAITING } from '../../../protocol/index.ts';
import type { Limits } from './limits.ts';

/** One authenticated client as the arbiter sees it. */
export interface Participant {
  /** The socket's client id (uint32, never 0). */
  id: number;
  /** The auth session it logged in with; a reconnect with the same one inherits control. */
  sessionId: string;
  user: string;
  role: Role;
}

/** What the arbiter asks of the bridge. All calls are synchronous. */
export interface ArbiterIo {
  /** Write all-keys-up and all-buttons-up, and cancel the batch playing (if any). */
  releaseAll(reason: string): void;
  /** Whether any key or button is held, or a batch is playing. */
  holding(): boolean;
  /** Send a WebSocket ping to this client. */
  ping(id: number): void;
  /** Control or the queue changed: send control-status to every client. `why` is for the log. */
  changed(why: string): void;
}

export type ArbiterLimits = Pick<Limits, 'reconnectGraceMs' | 'takeAfterWaitMs' | 'idleMs' | 'pingMs' | 'silentMs'>;

export type Verdict = { ok: true } | { ok: false; code: 'not-controller' | 'not-allowed'; message: string };

const OK: Verdict = { ok: true };

/**
 * One controller, many viewers (issue 8; the design of JetKVM PR #880, see
 * shared/research/kvm-anchors-wave2.md §4). Pure state plus timers; the bridge feeds it events.
 * - The first operator or admin to join while nobody controls (and no reconnect grace runs) gets
 *   control; so does the first input from one while control is free and nobody waits.
 * - Input from anyone else is refused (`not-controller`, naming the controller's user).
 * - control-request queues; take=true grants at once to an admin, and to an operator who has waited
 *   `takeAfterWaitMs` while the controller has sent no input for `idleMs`. Viewers: `not-allowed`.
 * - control-release hands control to the first waiter.
 * - Every hand-over first releases everything (io.releaseAll).
 * - A controller that leaves has its keys released at once; its session keeps control for
 *   `reconnectGraceMs`, then the first waiter gets it.
 * - While the controller holds keys (or plays a batch) it is pinged every `pingMs`; after `silentMs`
 *   without a pong or a message its keys are released and it loses control.
 */
export class ControlArbiter {
  private readonly clients = new Map<number, Participant>();
  /** Waiting client ids with the time they started waiting, oldest first. */
  private readonly queue = new Map<number, number>();
  private controllerId = 0;
  private lastInput = 0;
  private unansweredSince: number | null = null;
  private watch: ReturnType<typeof setInterval> | null = null;
  private grace: { sessionId: string; user: string; timer: ReturnType<typeof setTimeout> } | null = null;

  constructor(
    private readonly io: ArbiterIo,
    private readonly limits: ArbiterLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The controlling client's id, 0 if none. */
  controller(): number {
    return this.controllerId;
  }

  /** The controller's user name, the one in reconnect grace, or ''. */
  controllerUser(): string {
    return this.clients.get(this.controllerId)?.user ?? this.grace?.user ?? '';
  }

  /** An authenticated client arrived. May grant it control (then io.changed() runs). */
  join(p: Participant): void {
    this.clients.set(p.id, p);
    if (p.role === 'viewer') return;
    if (this.grace?.sessionId === p.sessionId) this.grant(p.id, 'reconnected');
    else if (this.isFree()) this.grant(p.id, 'first to connect');
  }

  /**
   * A client's socket closed. If it controlled, its keys are released now and, unless
   * `grace` is false (e.g. its session was revoked), its session keeps control for a reconnect.
   */
  leave(id: number, grace = true): void {
    const p = this.clients.get(id);
    if (!p) return;
    this.clients.delete(id);
    const queued = this.queue.delete(id);
    if (id !== this.controllerId) {
      if (queued) this.io.changed('a waiter left');
      return;
    }
    this.io.releaseAll('the controller disconnected');
    this.drop();
    if (grace) {
      const timer = setTimeout(() => {
        this.grace = null;
        this.passOn();
      }, this.limits.reconnectGraceMs);
      timer.unref?.();
      this.grace = { sessionId: p.sessionId, user: p.user, timer };
      this.io.changed(`controller ${p.user} left; reconnect grace`);
    } else this.passOn();
  }

  /**
   * Input (a report, a batch, a cancel, release-all) from `id`. The caller writes it only on ok.
   * O(1): called for every input message.
   */
  input(id: number): Verdict {
    if (id !== this.controllerId) {
      const p = this.clients.get(id);
      if (!p || p.role === 'viewer')
        return { ok: false, code: 'not-controller', message: this.refusal('viewers cannot control') };
      if (!this.isFree() || this.queue.size > 0) return { ok: false, code: 'not-controller', message: this.refusal() };
      this.grant(id, 'input while control was free');
    }
    this.lastInput = this.now();
    this.unansweredSince = null;
    if (!this.watch) {
      this.watch = setInterval(() => this.tick(), this.limits.pingMs);
      this.watch.unref?.();
    }
    return OK;
  }

  /** A pong or any message from `id`: it is alive. */
  heard(id: number): void {
    if (id === this.controllerId) this.unansweredSince = null;
  }

  /** control-request from `id`. */
  request(id: number, take: boolean): Verdict {
    const p = this.clients.get(id);
    if (!p || p.role === 'viewer') return { ok: false, code: 'not-allowed', message: 'viewers cannot control' };
    if (id === this.controllerId) return OK;
    if (this.isFree() && this.queue.size === 0) {
      this.grant(id, 'requested while free');
      return OK;
    }
    if (!this.queue.has(id)) {
      this.queue.set(id, this.now());
      this.io.changed(`${p.user} waits`);
    }
    if (!take) return OK;
    const waited = this.now() - this.queue.get(id)!;
    const idle = this.controllerId === 0 || this.now() - this.lastInput >= this.limits.idleMs;
    if (p.role === 'admin' || (waited >= this.limits.takeAfterWaitMs && idle)) {
      this.grant(id, p.role === 'admin' ? 'taken by an admin' : 'taken from an idle controller');
      return OK;
    }
    const wait = Math.ceil(Math.max(0, this.limits.takeAfterWaitMs - waited) / 1000);
    return {
      ok: false,
      code: 'not-allowed',
      message: `${this.controllerUser()} is in control; ${
        wait > 0 ? `you may take it in ${wait} s if they are idle` : 'they are active'
      } (waiting)`,
    };
  }

  /** control-release from `id`: give control up (to the first waiter), or leave the queue. */
  release(id: number): void {
    if (this.queue.delete(id)) this.io.changed('a waiter gave up');
    if (id !== this.controllerId) return;
    this.io.releaseAll('control released');
    this.drop();
    this.passOn();
  }

  /** The control-status message for client `id`. */
  statusFor(id: number): ControlStatus {
    const waiting: string[] = [];
    for (const q of this.queue.keys()) {
      if (waiting.length === MAX_WAITING) break;
      waiting.push(this.clients.get(q)?.user ?? '');
    }
    return {
      type: 'control-status',
      controller: this.controllerId,
      controllerUser: this.controllerUser(),
      you: id,
      role: this.clients.get(id)?.role ?? 'viewer',
      waiting,
    };
  }

  close(): void {
    if (this.watch) clearInterval(this.watch);
    if (this.grace) clearTimeout(this.grace.timer);
    this.watch = null;
    this.grace = null;
  }

  private isFree(): boolean {
    return this.controllerId === 0 && this.grace === null;
  }

  private refusal(why?: string): string {
    const user = this.controllerUser();
    const who = user ? `${user} is in control` : 'nobody is in control; send control-request';
    return why ? `${why}; ${who}` : who;
  }

  private grant(id: number, why: string): void {
    if (this.controllerId !== 0 && this.controllerId !== id) this.io.releaseAll('control handed over');
    if (this.grace) {
      clearTimeout(this.grace.timer);
      this.grace = null;
    }
    this.queue.delete(id);
    this.controllerId = id;
    this.lastInput = this.now();
    this.unansweredSince = null;
    this.io.changed(`control to ${this.clients.get(id)?.user ?? '?'} (client ${id}): ${why}`);
  }

  /** Forget the controller (its keys are already released). */
  private drop(): void {
    this.controllerId = 0;
    this.unansweredSince = null;
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
  }

  /** Control is free: the first waiter gets it, else nobody has it. */
  private passOn(): void {
    for (const id of this.queue.keys()) {
      if (this.clients.get(id)?.role === 'viewer') continue;
      this.grant(id, 'next in the queue');
      return;
    }
    this.io.changed('control is free');
  }

  /** Every pingMs while there is a controller: ping it if it holds anything, drop it if silent. */
  private tick(): void {
    if (this.controllerId === 0 || !this.io.holding()) {
      this.unansweredSince = null;
      if (this.watch) clearInterval(this.watch);
      this.watch = null;
      return;
    }
    const t = this.now();
    // Ticks drift by a few ms; a tenth of the interval of slack keeps "2 s" from becoming 3.
    if (this.unansweredSince !== null && t - this.unansweredSince >= this.limits.silentMs - this.limits.pingMs / 10) {
      this.io.releaseAll('the controller went silent');
      this.drop();
      this.passOn();
      return;
    }
    this.unansweredSince ??= t;
    this.io.ping(this.controllerId);
  }
}
