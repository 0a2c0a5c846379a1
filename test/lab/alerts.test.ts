// The interface alert against a real server (seed 004): TX drops really injected on a lab interface
// raise the interface-problems alert once, and it resolves once after they stop (one alert.fired, one
// alert.resolved, both in the event log). Injection: wireguard-go is SIGSTOPped and a burst of pings
// into its tun overflows the kernel's tun queue, so the kernel counts TX dropped; SIGCONT after.
import { statSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLab, type Lab } from '../../e2e/lab/lab.ts';
import { listWireguard } from '../../e2e/lab/wg-process.ts';
import type { DomainEvent } from '../../src/main/core/bus/domain-events.ts';
import { Engine } from '../../src/main/core/engine.ts';
import type { FiringAlert } from '../../src/shared/alerts.ts';
import { cliSandbox } from './cli-harness.ts';
import { describeLab } from './support.ts';

/** Resolves once `check` holds (polled; the engine's own events set what it reads). */
async function until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describeLab('alerts against a real server', () => {
  let lab: Lab;
  const cli = cliSandbox();

  beforeAll(async () => {
    lab = await startLab({ name: 'wgdalrt', servers: 1, interfaces: 1, peers: 1, clients: 1 });
    const s0 = lab.servers[0]!;
    const added = await cli.run([
      'server',
      'add',
      's0',
      '--host',
      s0.host,
      '--user',
      'root',
      '--identity',
      s0.rootIdentityFile,
      '--interval',
      '2',
      '--accept-new',
    ]);
    expect(added.code, added.stderr).toBe(0);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('drops injected on wg0 raise the interface alert once, and it resolves once when they stop', async () => {
    const engine = new Engine({ dataDir: cli.dataDir, userKnownHostsPath: null, recordHistory: true });
    const alerts: Extract<DomainEvent, { type: 'alert.fired' | 'alert.resolved' }>[] = [];
    let samples = 0;
    engine.domainEvents.subscribe((e) => {
      if (e.type === 'alert.fired' || e.type === 'alert.resolved') alerts.push(e);
      if (e.type === 'server.sample') samples += 1;
    });
    const changes: FiringAlert[][] = [];
    engine.subscribe('alerts:changed', (firing) => changes.push(firing));
    const rule = await engine.handlers['alert:add']({
      kind: 'interface-problems',
      server: 's0',
      counters: 'drops',
      perMinute: 100,
    });
    // The wireguard-go behind s0's wg0: the one in s0's network namespace.
    const netns = `net:[${statSync(`/run/netns/${lab.servers[0]!.namespace}`).ino}]`;
    const wg = (await listWireguard()).find((p) => p.netns === netns && p.ifname === 'wg0');
    expect(wg, 'wireguard-go of s0 wg0').toBeDefined();
    try {
      await engine.start(['s0']);
      await until(() => samples >= 3, 'three samples', 30_000);
      expect(alerts).toEqual([]);

      process.kill(wg!.ref.pid, 'SIGSTOP');
      try {
        // Ten flood pings (ping sends 100/s each when no reply comes): ~3,000 packets in 3 s into a
        // tun nobody reads, whose queue (500) overflows.
        const target = lab.clients[0]!.tunnelV4;
        await lab.exec(
          0,
          `for i in 1 2 3 4 5 6 7 8 9 10; do ping -q -n -f -c 300 -w 3 ${target} >/dev/null 2>&1 & done; wait`,
        );
      } finally {
        process.kill(wg!.ref.pid, 'SIGCONT');
      }
      await until(() => alerts.length >= 1, 'alert.fired', 30_000);
      expect(alerts[0]).toMatchObject({ type: 'alert.fired', server: 's0', iface: 'wg0', rule: rule.id });
      expect(alerts[0]!.message).toMatch(/^s0 wg0: \d+ drops\/min \(above 100\/min\)$/);
      expect(changes.at(-1)).toMatchObject([{ rule: rule.id, iface: 'wg0', snoozed: false }]);
      const firedAt = Date.now();

      // A whole quiet minute, then it resolves; and nothing more while it stays quiet.
      await until(() => alerts.length >= 2, 'alert.resolved', 120_000);
      expect(Date.now() - firedAt).toBeGreaterThanOrEqual(50_000);
      const settled = samples;
      await until(() => samples >= settled + 3, 'three more samples', 30_000);
      expect(alerts.map((a) => a.type)).toEqual(['alert.fired', 'alert.resolved']);
      expect(await engine.handlers['alerts:firing']()).toEqual([]);
      expect(changes.at(-1)).toEqual([]);

      const logged = await engine.handlers['events:list']({
        types: ['alert.fired', 'alert.resolved'],
        limit: 10,
      });
      expect(logged.map((e) => [e.type, e.server, e.interface])).toEqual([
        ['alert.resolved', 's0', 'wg0'],
        ['alert.fired', 's0', 'wg0'],
      ]);
    } finally {
      engine.stop();
    }
  }, 240_000);
});
