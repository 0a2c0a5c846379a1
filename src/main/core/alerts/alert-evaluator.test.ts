// The alert evaluation, driven by synthetic bus facts and a synthetic clock: each episode fires once
// and resolves once (no event per poll), a rate around its threshold does not flap, a resolved alert
// stays quiet for REFIRE_QUIET_MS, a snoozed rule is listed as snoozed. The service around it (bus,
// store, webhook) is alert-service.test.ts; on real servers, test/lab/alerts.test.ts.
import { describe, expect, it } from 'vitest';
import { SNOOZE_UNTIL_CLEARED } from '../../../shared/alerts.ts';
import {
  AlertEvaluator,
  RATE_RESOLVE_AFTER_MS,
  REFIRE_QUIET_MS,
  type AlertTransition,
} from './alert-evaluator.ts';
import { KEY_A, rule, sample } from './alerts.testkit.ts';

const T0 = 1_800_000_000_000;
const POLL = 5000;

/** Feeds one frame per poll with the drop counter at `drops[i]`, returning every transition. */
function dropsRun(evaluator: AlertEvaluator, drops: number[], start = T0): AlertTransition[] {
  const out: AlertTransition[] = [];
  drops.forEach((txDropped, i) => {
    const at = start + i * POLL;
    evaluator.observe(sample(at, { txDropped }));
    out.push(...evaluator.evaluate(at));
  });
  return out;
}

/** Cumulative counter values for per-poll increases. */
const cumulative = (increases: number[]): number[] => {
  let total = 0;
  return increases.map((d) => (total += d));
};

describe('interface errors and drops per minute', () => {
  const drops = rule('interface-problems', { counters: 'drops', perMinute: 100 });

  it('fires once while drops rise fast, and resolves once after a quiet minute', () => {
    const evaluator = new AlertEvaluator();
    evaluator.setRules([drops]);
    // 50 drops per 5 s = 600/min for a minute, then nothing for two minutes.
    const increases = [0, ...Array<number>(12).fill(50), ...Array<number>(24).fill(0)];
    const out = dropsRun(evaluator, cumulative(increases));
    expect(out.map((t) => t.type)).toEqual(['fired', 'resolved']);
    const [fired, resolved] = out as [AlertTransition, AlertTransition];
    expect(fired.alert).toMatchObject({
      server: 'edge',
      iface: 'wg0',
      publicKey: null,
      kind: 'interface-problems',
    });
    expect(fired.alert.message).toBe('edge wg0: 600 drops/min (above 100/min)');
    expect(fired.at).toBe(T0 + POLL);
    // The last rising interval ended at poll 12; a whole minute below the threshold resolves it.
    expect(resolved.at - (T0 + 13 * POLL)).toBeGreaterThanOrEqual(RATE_RESOLVE_AFTER_MS - POLL);
    expect(resolved.at - (T0 + 13 * POLL)).toBeLessThanOrEqual(RATE_RESOLVE_AFTER_MS);
    expect(evaluator.firing(resolved.at)).toEqual([]);
  });

  it('gives one episode for a rate hovering around the threshold (hysteresis), not one per poll', () => {
    const evaluator = new AlertEvaluator();
    evaluator.setRules([drops]);
    // Alternating 12 and 4 drops per 5 s: 144/min and 48/min, above and below 100, for 5 minutes.
    const increases = [0, ...Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 12 : 4))];
    const out = dropsRun(evaluator, cumulative(increases));
    expect(out.map((t) => t.type)).toEqual(['fired']);
    expect(evaluator.firing(T0 + 60 * POLL)).toHaveLength(1);
  });

  it('does not fire at or below the threshold, nor on the first frame or a counter reset', () => {
    const evaluator = new AlertEvaluator();
    evaluator.setRules([{ ...drops, perMinute: 120 }]);
    // 120/min exactly (not above), then the counter drops to 0 (interface recreated).
    expect(dropsRun(evaluator, [1_000_000, 1_000_010, 0, 5])).toEqual([]);
    // Errors are not drops.
    evaluator.observe(sample(T0 + 100 * POLL, { rxErrors: 0 }));
    evaluator.observe(sample(T0 + 101 * POLL, { rxErrors: 10_000 }));
    expect(evaluator.evaluate(T0 + 101 * POLL)).toEqual([]);
  });

  it('watches the WireGuard interfaces unless the rule names another one', () => {
    const evaluator = new AlertEvaluator();
    evaluator.setRules([rule('interface-problems', { counters: 'either', perMinute: 10, iface: 'eth0' })]);
    const a = sample(T0, {});
    const b = sample(T0 + POLL, { txDropped: 1000 });
    b.snapshot.netdev['eth0'] = { ...b.snapshot.netdev['eth0']!, rxErrors: 50 };
    evaluator.observe(a);
    evaluator.observe(b);
    const out = evaluator.evaluate(T0 + POLL);
    expect(out.map((t) => [t.type, t.alert.iface, t.alert.message])).toEqual([
      ['fired', 'eth0', 'edge eth0: 600 errors/min (above 10/min)'],
    ]);
  });

  it('stays quiet for the rate limit after resolving, then fires again if it still holds', () => {
    const evaluator = new AlertEvaluator();
    evaluator.setRules([drops]);
    const burst = Array<number>(6).fill(50);
    const quiet = Array<number>(14).fill(0); // 70 s: enough to resolve
    const increases = [0, ...burst, ...quiet, ...burst, ...quiet, ...Array<number>(60).fill(50)];
    const out = dropsRun(evaluator, cumulative(increases));
    expect(out.map((t) => t.type)).toEqual(['fired', 'resolved', 'fired']);
    const [, resolved, again] = out;
    // The second burst came within 5 minutes of the resolve: not a new notification then.
    expect(again!.at - resolved!.at).toBeGreaterThanOrEqual(REFIRE_QUIET_MS);
    expect(again!.at - resolved!.at).toBeLessThan(REFIRE_QUIET_MS + POLL);
  });
});

describe('duration rules', () => {
  it('fires a server unreachable for N minutes once, and resolves when it is back', () => {
    const evaluator = new AlertEvaluator();
    evaluator.setRules([rule('server-unreachable', { minutes: 2 })]);
    evaluator.observe({
      type: 'server.unreachable',
      server: 'edge',
      at: T0,
      state: 'reconnecting',
      error: 'x',
    });
    const out: AlertTransition[] = [];
    for (let t = T0; t <= T0 + 5 * 60_000; t += 10_000) out.push(...evaluator.evaluate(t));
    expect(out.map((t) => [t.type, t.at])).toEqual([['fired', T0 + 120_000]]);
    expect(out[0]!.alert.message).toBe('edge unreachable for 2 min');
    evaluator.observe({ type: 'server.recovered', server: 'edge', at: T0 + 300_000, downForMs: 300_000 });
    expect(evaluator.evaluate(T0 + 300_000).map((t) => t.type)).toEqual(['resolved']);
    expect(evaluator.evaluate(T0 + 310_000)).toEqual([]);
  });

  it('a server back before N minutes raises nothing', () => {
    const evaluator = new AlertEvaluator();
    evaluator.setRules([rule('server-unreachable', { minutes: 2 })]);
    evaluator.observe({ type: 'server.unreachable', server: 'edge', at: T0, state: 'error', error: null });
    expect(evaluator.evaluate(T0 + 60_000)).toEqual([]);
    evaluator.observe({ type: 'server.recovered', server: 'edge', at: T0 + 90_000, downForMs: 90_000 });
    expect(evaluator.evaluate(T0 + 600_000)).toEqual([]);
  });

  it('fires for the watched peer offline for N minutes, named, and not for another peer', () => {
    const evaluator = new AlertEvaluator((_s, _i, key) => (key === KEY_A ? 'laptop' : null));
    evaluator.setRules([
      rule('peer-offline', { server: 'edge', iface: 'wg0', publicKey: KEY_A, minutes: 10 }),
    ]);
    const status = (publicKey: string, to: 'offline' | 'online', at: number) =>
      evaluator.observe({
        type: 'peer.status',
        server: 'edge',
        iface: 'wg0',
        publicKey,
        from: 'online',
        to,
        at,
      });
    status(`${'C'.repeat(43)}=`, 'offline', T0);
    status(KEY_A, 'offline', T0);
    expect(evaluator.evaluate(T0 + 9 * 60_000)).toEqual([]);
    const fired = evaluator.evaluate(T0 + 10 * 60_000);
    expect(fired.map((t) => [t.type, t.alert.publicKey, t.alert.message])).toEqual([
      ['fired', KEY_A, 'Peer laptop on edge wg0 offline for 10 min'],
    ]);
    status(KEY_A, 'online', T0 + 11 * 60_000);
    expect(evaluator.evaluate(T0 + 11 * 60_000).map((t) => t.type)).toEqual(['resolved']);
  });

  it('counts a peer offline since before the engine watched from when it is first seen', () => {
    const evaluator = new AlertEvaluator();
    evaluator.setRules([
      rule('peer-offline', { server: 'edge', iface: 'wg0', publicKey: KEY_A, minutes: 1 }),
    ]);
    const peer = { publicKey: KEY_A, status: 'offline' } as const;
    const live = [{ name: 'edge', state: 'connected', interfaces: [{ name: 'wg0', peers: [peer] }] }];
    evaluator.seed(live as never, T0);
    expect(evaluator.evaluate(T0 + 30_000)).toEqual([]);
    expect(evaluator.evaluate(T0 + 60_000).map((t) => t.type)).toEqual(['fired']);
  });

  it('fires ping loss at once (0 minutes) for any peer in scope, and resolves on recovery', () => {
    const evaluator = new AlertEvaluator();
    evaluator.setRules([rule('ping-loss', { server: 'edge', minutes: 0 })]);
    const ping = { server: 'edge', iface: 'wg0', publicKey: KEY_A, address: '198.18.0.2' };
    evaluator.observe({ type: 'peer.pingFailed', ...ping, at: T0 });
    const fired = evaluator.evaluate(T0);
    expect(fired.map((t) => t.alert.message)).toEqual([
      `Peer ${KEY_A.slice(0, 8)}… on edge wg0 does not answer ping at 198.18.0.2`,
    ]);
    expect(evaluator.evaluate(T0 + 10_000)).toEqual([]);
    evaluator.observe({ type: 'peer.pingRecovered', ...ping, rttMs: 3, at: T0 + 20_000 });
    expect(evaluator.evaluate(T0 + 20_000).map((t) => t.type)).toEqual(['resolved']);
    // Another server's peer is out of scope.
    evaluator.observe({ type: 'peer.pingFailed', ...ping, server: 'core', at: T0 + 30_000 });
    expect(evaluator.evaluate(T0 + 30_000)).toEqual([]);
  });
});

describe('peer traffic per day', () => {
  it('fires once above the bytes of a day, counting a counter reset from 0, and resolves next day', () => {
    const evaluator = new AlertEvaluator();
    evaluator.setRules([rule('peer-traffic', { bytesPerDay: 1000 })]);
    const day = 86_400_000;
    const start = Math.floor(T0 / day) * day; // midnight UTC
    const feed = (at: number, rx: number, tx: number) => {
      evaluator.observe(sample(at, {}, [{ publicKey: KEY_A, rxBytes: rx, txBytes: tx }]));
      return evaluator.evaluate(at);
    };
    expect(feed(start + 1000, 1_000_000, 1_000_000)).toEqual([]); // baseline: not today's traffic
    expect(feed(start + 2000, 1_000_300, 1_000_300)).toEqual([]); // 600 today
    // The counters reset: 300 + 200 after the reset is new traffic: 1,100 today.
    const fired = feed(start + 3000, 300, 200);
    expect(fired.map((t) => t.type)).toEqual(['fired']);
    expect(fired[0]!.alert.message).toMatch(/^Peer .* on edge wg0: .* today \(above /);
    expect(feed(start + 4000, 400, 300)).toEqual([]);
    expect(feed(start + day + 1000, 400, 300).map((t) => t.type)).toEqual(['resolved']);
  });
});

describe('rules that change', () => {
  it('lists a snoozed rule’s alert as snoozed, and a disabled rule’s alert resolves', () => {
    const evaluator = new AlertEvaluator();
    const down = rule('server-unreachable', { minutes: 0 });
    evaluator.setRules([{ ...down, snoozedUntil: SNOOZE_UNTIL_CLEARED }]);
    evaluator.observe({ type: 'server.unreachable', server: 'edge', at: T0, state: 'error', error: null });
    const fired = evaluator.evaluate(T0);
    expect(fired.map((t) => [t.type, t.alert.snoozed])).toEqual([['fired', true]]);
    evaluator.setRules([down]);
    expect(evaluator.firing(T0).map((a) => a.snoozed)).toEqual([false]);
    evaluator.setRules([{ ...down, snoozedUntil: (T0 + 3_600_000) / 1000 }]);
    expect(evaluator.firing(T0).map((a) => a.snoozed)).toEqual([true]);
    expect(evaluator.firing(T0 + 3_600_001).map((a) => a.snoozed)).toEqual([false]);
    evaluator.setRules([{ ...down, enabled: false }]);
    expect(evaluator.evaluate(T0 + 1000).map((t) => t.type)).toEqual(['resolved']);
    evaluator.setRules([]);
    expect(evaluator.evaluate(T0 + 2000)).toEqual([]);
  });
});
