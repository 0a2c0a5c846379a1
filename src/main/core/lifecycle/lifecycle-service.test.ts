// The enforcer against a real history store and bus: what it changes, when, and what it says. The
// change itself (locked, backed up, verified) is the peer service's, run for real in the lab test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseQuota, type PeerLifecycle } from '../../../shared/peer-lifecycle.ts';
import type { ChangeRequest } from '../../../shared/peer-ops.ts';
import { DomainEventBus, type DomainEvent } from '../bus/domain-events.ts';
import { HistoryStore } from '../history/history-store.ts';
import { makeSnapshot } from '../history/simulate.ts';
import { LifecycleService, RETRY_MS } from './lifecycle-service.ts';

const ALICE = `${'A'.repeat(43)}=`;
const BOB = `${'B'.repeat(43)}=`;
const T0 = Date.UTC(2026, 11, 4, 12, 0);
const KIB = 1024;

const cleanup: (() => void)[] = [];
afterEach(() => {
  while (cleanup.length > 0) cleanup.pop()!();
});

function rig(options: { readThisRun?: boolean; fail?: (request: ChangeRequest) => string | null } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-lifecycle-'));
  const store = HistoryStore.open(join(dir, 'history.db'));
  cleanup.push(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const bus = new DomainEventBus((error) => {
    throw error;
  });
  const rules: Record<string, PeerLifecycle> = {};
  const changes: ChangeRequest[] = [];
  const logs: string[] = [];
  const facts: Extract<DomainEvent, { type: 'peer.lifecycle' }>[] = [];
  bus.subscribe((event) => {
    if (event.type === 'peer.lifecycle') facts.push(event);
  });
  let now = T0;
  const service = new LifecycleService({
    bus,
    store: () => store,
    rulesOf: () => rules,
    readThisRun: () => options.readThisRun ?? true,
    change: (request) => {
      changes.push(request);
      const refusal = options.fail?.(request) ?? null;
      return refusal ? Promise.reject(new Error(refusal)) : Promise.resolve({} as never);
    },
    log: (line) => logs.push(line),
    now: () => now,
  });
  service.start();
  let monotonic = 100;
  /** One frame: history records it first (as the engine's bus order has it), then it is judged. */
  const frame = (peers: { key: string; rx: number }[]) => {
    monotonic += 5;
    now += 5000;
    const snapshot = makeSnapshot({ monotonic, peers: peers.map((p) => ({ ...p, tx: 0 })) });
    store.record('edge', snapshot, now, 5);
    bus.publish([{ type: 'server.sample', server: 'edge', snapshot, receivedAt: now, intervalSeconds: 5 }]);
  };
  return { service, rules, changes, logs, facts, frame, advance: (ms: number) => (now += ms) };
}

const quota = (text: string) => ({
  quota: parseQuota(text)!,
  expiresAt: null,
  schedule: null,
  disabledBy: null,
});

describe('LifecycleService', () => {
  it('warns at 80 %, disables once over quota in one change, and reports usage by identity', async () => {
    const { service, rules, changes, facts, frame } = rig();
    rules[ALICE] = quota('100KiB/month');
    rules[BOB] = quota('1GiB/month');
    frame([
      { key: ALICE, rx: 0 },
      { key: BOB, rx: 0 },
    ]);
    const idleUsage = service.usageOf('edge', 'wg0')?.get(BOB);
    frame([
      { key: ALICE, rx: 85 * KIB },
      { key: BOB, rx: 0 },
    ]);
    expect(service.usageOf('edge', 'wg0')?.get(BOB)).toBe(idleUsage); // unchanged: the same object
    expect(service.usageOf('edge', 'wg0')?.get(ALICE)).toMatchObject({ bytes: 85 * KIB, limit: 100 * KIB });
    expect(facts.map((f) => f.what)).toEqual(['peer.quotaWarning']);
    frame([
      { key: ALICE, rx: 90 * KIB },
      { key: BOB, rx: 0 },
    ]);
    expect(facts).toHaveLength(1); // the same warning, not said again
    frame([
      { key: ALICE, rx: 120 * KIB },
      { key: BOB, rx: 0 },
    ]);
    frame([
      { key: ALICE, rx: 130 * KIB },
      { key: BOB, rx: 0 },
    ]); // while the change is in flight: not a second one
    await service.idle();
    expect(changes).toEqual([
      {
        server: 'edge',
        iface: 'wg0',
        operation: {
          kind: 'changes',
          changes: [{ action: 'disable', peer: ALICE, disabledBy: { reason: 'quota', period: '2026-12' } }],
        },
      },
    ]);
    expect(facts.map((f) => f.what)).toEqual(['peer.quotaWarning', 'peer.quotaExceeded']);
    expect(facts[1]!.details).toMatchObject({
      usedBytes: 120 * KIB,
      limitBytes: 100 * KIB,
      period: '2026-12',
    });
    // The file now says why (the peer service learned it); the peer is gone from the live dump.
    rules[ALICE] = { ...rules[ALICE], disabledBy: { reason: 'quota', period: '2026-12' } };
    frame([{ key: BOB, rx: 0 }]);
    await service.idle();
    expect(changes).toHaveLength(1);
  });

  it('acts only on rules read from the file in this run, and says so once', () => {
    const { rules, changes, logs, frame } = rig({ readThisRun: false });
    rules[ALICE] = { quota: null, expiresAt: T0 - 1, schedule: null, disabledBy: null };
    frame([{ key: ALICE, rx: 0 }]);
    frame([{ key: ALICE, rx: 0 }]);
    expect(changes).toEqual([]);
    expect(logs.filter((l) => l.includes('not enforced until its config file is read'))).toHaveLength(1);
  });

  it('a failed change is said once and tried again after RETRY_MS, not every frame', async () => {
    const { service, rules, changes, facts, frame, advance } = rig({ fail: () => 'the server lock is held' });
    rules[ALICE] = { quota: null, expiresAt: T0 - 1, schedule: null, disabledBy: null };
    frame([{ key: ALICE, rx: 0 }]);
    await service.idle();
    frame([{ key: ALICE, rx: 0 }]);
    await service.idle();
    expect(changes).toHaveLength(1);
    expect(facts.map((f) => f.what)).toEqual(['peer.enforcementFailed']);
    advance(RETRY_MS);
    frame([{ key: ALICE, rx: 0 }]);
    await service.idle();
    expect(changes).toHaveLength(2);
    expect(facts).toHaveLength(1);
  });

  it("one peer's refusal does not hold back the others; 'already disabled' is another recorder's work", async () => {
    const { service, rules, changes, facts, frame } = rig({
      fail: (request) =>
        request.operation.kind === 'changes' &&
        request.operation.changes.some((c) => c.action !== 'add' && c.peer === ALICE)
          ? 'publicKey: this peer is already disabled'
          : null,
    });
    rules[ALICE] = { quota: null, expiresAt: T0 - 1, schedule: null, disabledBy: null };
    rules[BOB] = { quota: null, expiresAt: T0 - 1, schedule: null, disabledBy: null };
    frame([
      { key: ALICE, rx: 0 },
      { key: BOB, rx: 0 },
    ]);
    await service.idle();
    expect(changes.map((c) => (c.operation.kind === 'changes' ? c.operation.changes.length : 0))).toEqual([
      2, 1, 1,
    ]);
    expect(facts.map((f) => `${f.what} ${f.publicKey === BOB ? 'bob' : 'alice'}`)).toEqual([
      'peer.expired bob',
    ]);
  });
});
