import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ControlArbiter, type Participant } from '../../../bridge/src/control/arbiter.ts';
import { DEFAULT_LIMITS } from '../../../bridge/src/control/limits.ts';

/** An arbiter on fake timers with a recording io: `events` lists releases and pings in order. */
function setup() {
  const events: string[] = [];
  let holding = false;
  const arbiter = new ControlArbiter(
    {
      releaseAll: (why) => {
        events.push(`release: ${why}`);
        holding = false;
      },
      holding: () => holding,
      ping: (id) => events.push(`ping ${id}`),
      changed: () => events.push('changed'),
    },
    DEFAULT_LIMITS,
    () => Date.now(),
  );
  const join = (id: number, user: string, role: Participant['role'], sessionId = `s-${user}`) =>
    arbiter.join({ id, user, role, sessionId });
  const hold = () => {
    holding = true;
  };
  const releases = () => events.filter((e) => e.startsWith('release'));
  const pings = () => events.filter((e) => e.startsWith('ping'));
  return { arbiter, events, join, hold, releases, pings };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ControlArbiter', () => {
  it('gives control to the first operator or admin, never to a viewer', () => {
    const t = setup();
    t.join(1, 'vic', 'viewer');
    expect(t.arbiter.controller()).toBe(0);
    t.join(2, 'ann', 'operator');
    t.join(3, 'bob', 'operator');
    expect(t.arbiter.controller()).toBe(2);
    expect(t.arbiter.statusFor(3)).toEqual({
      type: 'control-status',
      controller: 2,
      controllerUser: 'ann',
      you: 3,
      role: 'operator',
      waiting: [],
    });
  });

  it('refuses input from others with not-controller naming the controller', () => {
    const t = setup();
    t.join(1, 'ann', 'operator');
    t.join(2, 'bob', 'operator');
    t.join(3, 'vic', 'viewer');
    expect(t.arbiter.input(1)).toEqual({ ok: true });
    for (const id of [2, 3]) {
      const v = t.arbiter.input(id);
      expect(v.ok).toBe(false);
      if (!v.ok) {
        expect(v.code).toBe('not-controller');
        expect(v.message).toContain('ann is in control');
      }
    }
  });

  it('never lets a viewer request or take control', () => {
    const t = setup();
    t.join(1, 'vic', 'viewer');
    expect(t.arbiter.request(1, false)).toMatchObject({ ok: false, code: 'not-allowed' });
    expect(t.arbiter.request(1, true)).toMatchObject({ ok: false, code: 'not-allowed' });
    expect(t.arbiter.input(1)).toMatchObject({ ok: false, code: 'not-controller' });
    expect(t.arbiter.controller()).toBe(0);
  });

  it('hands control to the first waiter on release, releasing everything first', () => {
    const t = setup();
    t.join(1, 'ann', 'operator');
    t.join(2, 'bob', 'operator');
    t.join(3, 'cy', 'operator');
    t.arbiter.request(3, false);
    t.arbiter.request(2, false);
    expect(t.arbiter.statusFor(1).waiting).toEqual(['cy', 'bob']);
    t.events.length = 0;
    t.arbiter.release(1);
    expect(t.arbiter.controller()).toBe(3);
    expect(t.events[0]).toBe('release: control released');
    expect(t.arbiter.statusFor(1).waiting).toEqual(['bob']);
  });

  it('lets an admin take control at once, releasing the previous controller first', () => {
    const t = setup();
    t.join(1, 'ann', 'operator');
    t.join(2, 'root', 'admin');
    t.arbiter.input(1);
    t.events.length = 0;
    expect(t.arbiter.request(2, true)).toEqual({ ok: true });
    expect(t.arbiter.controller()).toBe(2);
    expect(t.events.slice(0, 2)).toEqual(['changed', 'release: control handed over']);
  });

  it('lets an operator take control only after waiting 10 s while the controller is idle', () => {
    const t = setup();
    t.join(1, 'ann', 'operator');
    t.join(2, 'bob', 'operator');
    expect(t.arbiter.request(2, true)).toMatchObject({ ok: false, code: 'not-allowed' });
    vi.advanceTimersByTime(9_000);
    expect(t.arbiter.request(2, true)).toMatchObject({ ok: false });
    vi.advanceTimersByTime(1_000);
    t.arbiter.input(1); // the controller is active: no take
    expect(t.arbiter.request(2, true)).toMatchObject({ ok: false, message: expect.stringContaining('active') });
    vi.advanceTimersByTime(DEFAULT_LIMITS.idleMs);
    t.events.length = 0;
    expect(t.arbiter.request(2, true)).toEqual({ ok: true });
    expect(t.arbiter.controller()).toBe(2);
    expect(t.releases()).toEqual(['release: control handed over']);
  });

  it('keeps control for a reconnect with the same session within 5 s, releasing keys at the disconnect', () => {
    const t = setup();
    t.join(1, 'ann', 'operator', 'sess-a');
    t.join(2, 'bob', 'operator');
    t.arbiter.request(2, false);
    t.hold();
    t.arbiter.input(1);
    t.arbiter.leave(1);
    expect(t.releases()).toEqual(['release: the controller disconnected']);
    expect(t.arbiter.controller()).toBe(0);
    expect(t.arbiter.statusFor(2).controllerUser).toBe('ann');
    expect(t.arbiter.input(2)).toMatchObject({ ok: false, message: expect.stringContaining('ann') });
    vi.advanceTimersByTime(4_900);
    t.join(5, 'ann', 'operator', 'sess-a');
    expect(t.arbiter.controller()).toBe(5);
    vi.advanceTimersByTime(10_000);
    expect(t.arbiter.controller()).toBe(5);
  });

  it('passes control to the first waiter when the grace runs out', () => {
    const t = setup();
    t.join(1, 'ann', 'operator', 'sess-a');
    t.join(2, 'bob', 'operator');
    t.arbiter.request(2, false);
    t.arbiter.leave(1);
    vi.advanceTimersByTime(4_999);
    expect(t.arbiter.controller()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(t.arbiter.controller()).toBe(2);
    t.join(3, 'ann', 'operator', 'sess-a'); // too late: a viewer of bob's control now
    expect(t.arbiter.controller()).toBe(2);
  });

  it('gives no grace to a controller whose session was revoked', () => {
    const t = setup();
    t.join(1, 'ann', 'operator', 'sess-a');
    t.join(2, 'bob', 'operator');
    t.arbiter.request(2, false);
    t.arbiter.leave(1, false);
    expect(t.arbiter.controller()).toBe(2);
  });

  it('pings a controller holding keys every second and drops it after 2 s of silence', () => {
    const t = setup();
    t.join(1, 'ann', 'operator');
    t.join(2, 'bob', 'operator');
    t.arbiter.request(2, false);
    t.hold();
    t.arbiter.input(1);
    vi.advanceTimersByTime(1_000);
    expect(t.pings()).toEqual(['ping 1']);
    t.arbiter.heard(1); // pong
    vi.advanceTimersByTime(1_000);
    vi.advanceTimersByTime(1_000);
    expect(t.pings()).toHaveLength(3);
    expect(t.arbiter.controller()).toBe(1);
    t.events.length = 0;
    vi.advanceTimersByTime(1_000); // 2 s since the unanswered ping
    expect(t.releases()).toEqual(['release: the controller went silent']);
    expect(t.arbiter.controller()).toBe(2);
  });

  it('does not ping a controller that holds nothing', () => {
    const t = setup();
    t.join(1, 'ann', 'operator');
    t.arbiter.input(1);
    vi.advanceTimersByTime(10_000);
    expect(t.pings()).toEqual([]);
    expect(t.arbiter.controller()).toBe(1);
  });

  it('grants control on input while control is free and nobody waits', () => {
    const t = setup();
    t.join(1, 'ann', 'operator');
    t.join(2, 'bob', 'operator');
    t.arbiter.release(1);
    expect(t.arbiter.controller()).toBe(0);
    expect(t.arbiter.input(2)).toEqual({ ok: true });
    expect(t.arbiter.controller()).toBe(2);
  });

  it('takes a waiter out of the queue when it leaves', () => {
    const t = setup();
    t.join(1, 'ann', 'operator');
    t.join(2, 'bob', 'operator');
    t.arbiter.request(2, false);
    t.arbiter.leave(2);
    expect(t.arbiter.statusFor(1).waiting).toEqual([]);
    t.arbiter.release(1);
    expect(t.arbiter.controller()).toBe(0);
  });
});
