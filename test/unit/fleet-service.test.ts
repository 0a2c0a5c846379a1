// FleetService on its own: sessions over real SSH connections (an in-process ssh2 server streaming
// collector frames), what each update becomes, and which changes reconnect what.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../src/shared/api.ts';
import { DEFAULT_THRESHOLDS } from '../../src/shared/domain.ts';
import type { ServerConfig } from '../../src/shared/server-config.ts';
import { DomainEventBus, type DomainEvent } from '../../src/main/core/bus/domain-events.ts';
import { ContractEvents } from '../../src/main/core/contract-events.ts';
import { FleetService } from '../../src/main/core/fleet/fleet-service.ts';
import { MemorySecretStore } from '../../src/main/core/secrets.ts';
import { ServerService } from '../../src/main/core/servers/server-service.ts';
import { registerFakeServer, startStreamingServer, type FakeServer } from '../support/fake-ssh-server.ts';
import { until } from '../support/until.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function streamingServer(): Promise<FakeServer> {
  const fake = await startStreamingServer();
  cleanups.push(() => fake.close());
  return fake;
}

const POLICY = { intervalSeconds: 1, thresholds: DEFAULT_THRESHOLDS };

async function fleetWith(entries: (Partial<ServerConfig> & { name: string })[]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-fleet-'));
  const fake = await streamingServer();
  const servers: ServerConfig[] = [];
  for (const entry of entries) servers.push(await registerFakeServer(dataDir, fake, entry));
  const serverService = new ServerService({
    dataDir,
    secrets: new MemorySecretStore(),
    userKnownHostsPath: null,
    thresholds: () => Promise.resolve(DEFAULT_THRESHOLDS),
  });
  const events = new ContractEvents();
  const domain: DomainEvent[] = [];
  const bus = new DomainEventBus((error) => {
    throw error;
  });
  bus.subscribe((event) => domain.push(event));
  const forgotten: string[] = [];
  const fleet = new FleetService({
    gate: (server) => serverService.gate(server),
    credentials: (server) => serverService.credentials(server),
    events,
    domainEvents: bus,
    onForget: (name) => forgotten.push(name),
  });
  cleanups.push(() => fleet.stop());
  const seen: { [E in keyof ApiEvents]?: ApiEvents[E][] } = {};
  for (const name of ['fleet:server', 'fleet:delta', 'fleet:removed'] as const) {
    const list: unknown[] = [];
    seen[name] = list as never;
    events.subscribe(name, (payload) => list.push(payload));
  }
  return { fake, servers, fleet, domain, forgotten, seen };
}

describe('FleetService', () => {
  it('runs a session and turns its updates into live state, deltas and domain facts', async () => {
    const { servers, fleet, domain, seen } = await fleetWith([{ name: 'edge-1' }]);
    fleet.run(servers[0]!, POLICY);
    await until(
      () => fleet.live()[0]?.state === 'connected' && (seen['fleet:delta']?.length ?? 0) >= 3,
      'connected',
    );
    expect(fleet.has('edge-1')).toBe(true);
    const [synced] = fleet.synced();
    expect(synced?.name).toBe('edge-1');
    expect(synced?.seq).toBe(seen['fleet:delta']!.at(-1)!.seq);
    expect(domain.filter((e) => e.type === 'server.connected')).toHaveLength(1);
    expect(domain.some((e) => e.type === 'server.sample')).toBe(true);
  });

  it('sync: a changed config reconnects that server only; a server gone from the list is forgotten', async () => {
    const { fake, servers, fleet, forgotten, seen } = await fleetWith([{ name: 'a' }, { name: 'b' }]);
    fleet.sync(servers, POLICY);
    await until(() => fleet.live().every((l) => l.state === 'connected'), 'both connected');
    const connections = fake.stats.connections;
    fleet.sync(servers, POLICY); // unchanged: nothing reconnects
    const changed = { ...servers[1]!, intervalSeconds: 2 };
    fleet.sync([servers[0]!, changed], POLICY);
    await until(() => fake.stats.connections === connections + 1, 'b reconnected');
    fleet.sync([servers[0]!], POLICY);
    expect(forgotten).toEqual(['b']);
    expect(seen['fleet:removed']).toEqual([{ name: 'b' }]);
    expect(fleet.live().map((l) => l.name)).toEqual(['a']);
    expect(fake.stats.connections).toBe(connections + 1);
  });

  it('a new global interval reconnects only the sessions that use it', async () => {
    const { fake, servers, fleet } = await fleetWith([
      { name: 'global', intervalSeconds: undefined },
      { name: 'own', intervalSeconds: 1 },
    ]);
    for (const server of servers) fleet.run(server, POLICY);
    await until(() => fleet.live().every((l) => l.state === 'connected'), 'both connected');
    const connections = fake.stats.connections;
    fleet.setGlobalInterval(2);
    await until(() => fake.stats.connections === connections + 1, 'the global one reconnected');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(fake.stats.connections).toBe(connections + 1);
  });

  it('lends its connection only for the very config it runs with', async () => {
    const { servers, fleet } = await fleetWith([{ name: 'edge-1' }]);
    fleet.run(servers[0]!, POLICY);
    await until(() => fleet.live()[0]?.state === 'connected', 'connected');
    expect(fleet.lease(servers[0]!)).not.toBeNull();
    expect(fleet.lease({ ...servers[0]!, user: 'someone-else' })).toBeNull();
    expect(fleet.lease({ ...servers[0]!, name: 'other' })).toBeNull();
  });
});
