// The engine publishes what happened on its domain-event bus, each fact once: a server streaming,
// its connection dropping, and coming back (an in-process ssh2 server that streams frames).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/main/core/bus/domain-events.ts';
import { Engine } from '../../src/main/core/engine.ts';
import { registerFakeServer, startStreamingServer } from '../support/fake-ssh-server.ts';
import { until } from '../support/until.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the engine`s domain events', () => {
  it('connected, unreachable, recovered: once each and in order, over a real SSH connection', async () => {
    const fake = await startStreamingServer();
    cleanups.push(() => fake.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-bus-'));
    await registerFakeServer(dataDir, fake, { name: 'edge-1' });
    const engine = new Engine({ dataDir, userKnownHostsPath: null, recordHistory: true });
    cleanups.push(() => engine.stop());
    const seen: DomainEvent[] = [];
    engine.domainEvents.subscribe((event) => seen.push(event));
    await engine.start();
    const types = (): string[] =>
      seen.map((e) => e.type).filter((type) => type !== 'server.sample' && type !== 'server.streamLost');

    await until(() => types().includes('server.connected'), 'connected');
    await until(() => fake.framesSent() > 3, 'a few frames'); // more frames: still one event
    fake.dropAll();
    await until(() => types().includes('server.recovered'), 'recovered after the drop');
    await until(() => fake.framesSent() > 9, 'more frames after recovering');
    expect(types()).toEqual(['server.connected', 'server.unreachable', 'server.recovered']);
    const down = seen.find((e) => e.type === 'server.unreachable');
    expect(down).toMatchObject({ server: 'edge-1', state: 'reconnecting' });

    // History records as a subscriber of the same bus: memory samples, and the drop as a gap.
    const series = await engine.handlers['history:server']({
      server: 'edge-1',
      from: Date.now() - 120_000,
      to: Date.now() + 1000,
      points: 240,
      metrics: ['mem'],
    });
    expect(series.memUsed?.avg.some((v) => v !== null)).toBe(true);
    expect(series.gaps.length).toBeGreaterThan(0);
  }, 60_000);
});
