// ServerService on its own: first contact with a server (pinning its key), probing and re-trusting,
// and what it asks of the fleet — against an in-process ssh2 server that answers the collector.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/shared/domain.ts';
import type { ServerConfig } from '../../src/shared/server-config.ts';
import { MemorySecretStore } from '../../src/main/core/secrets.ts';
import { ServerService, type FleetControl } from '../../src/main/core/servers/server-service.ts';
import { collectorFrame, startFakeServer, type FakeServer } from '../support/fake-ssh-server.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function oneFrameServer(): Promise<FakeServer> {
  const fake = await startFakeServer({
    onExec: (command, channel) => {
      if (command.includes('@wgdeck')) channel.write(collectorFrame(1));
      channel.exit(command.includes('@wgdeck') ? 0 : 1);
      channel.end();
    },
  });
  cleanups.push(() => fake.close());
  return fake;
}

function service() {
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-servers-'));
  const secrets = new MemorySecretStore();
  const servers = new ServerService({
    dataDir,
    secrets,
    userKnownHostsPath: null,
    thresholds: () => Promise.resolve(DEFAULT_THRESHOLDS),
  });
  const asked: string[] = [];
  const running = new Set<string>();
  const fleet: FleetControl = {
    run: (server) => {
      asked.push(`run ${server.name}`);
      running.add(server.name);
      return Promise.resolve();
    },
    restart: (name) => {
      asked.push(`restart ${name}`);
      return running.has(name);
    },
    has: (name) => running.has(name),
    forget: (name) => {
      asked.push(`forget ${name}`);
      running.delete(name);
    },
  };
  servers.attachFleet(fleet);
  return { servers, secrets, asked };
}

const entry = (fake: FakeServer, name = 'edge-1'): ServerConfig => ({
  name,
  host: '127.0.0.1',
  port: fake.port,
  user: 'operator',
  identityFile: fake.identityFile,
  sudo: false,
});

describe('ServerService', () => {
  it('adds a server on first contact: its key pinned only when asked, saved, its session run', async () => {
    const fake = await oneFrameServer();
    const { servers, asked } = service();
    await expect(servers.add({ server: entry(fake) })).rejects.toMatchObject({ code: 'HOST_KEY_UNKNOWN' });
    expect(await servers.list()).toEqual([]);
    const added = await servers.add({ server: entry(fake), acceptNew: true });
    expect(added.interfaces).toEqual(['wg0']);
    expect(added.hostKey.fingerprint).toMatch(/^SHA256:/);
    expect((await servers.list()).map((s) => s.name)).toEqual(['edge-1']);
    expect(asked).toEqual(['run edge-1']);
    await expect(servers.add({ server: entry(fake), acceptNew: true })).rejects.toMatchObject({
      code: 'SERVER_EXISTS',
    });
    expect(await servers.probeHostKey('edge-1')).toMatchObject({ verdict: 'trusted', key: added.hostKey });
  });

  it('probes an unpinned key as unknown, and re-trusts only the fingerprint the admin compared', async () => {
    const fake = await oneFrameServer();
    const { servers, asked } = service();
    const { hostKey } = await servers.add({ server: entry(fake), acceptNew: true });
    await servers.trust.forget('127.0.0.1', fake.port);
    expect(await servers.probeHostKey('edge-1')).toMatchObject({ verdict: 'unknown' });
    await expect(servers.retrust('edge-1', `SHA256:${'A'.repeat(43)}`)).rejects.toMatchObject({
      code: 'FINGERPRINT_MISMATCH',
    });
    expect(await servers.retrust('edge-1', hostKey.fingerprint)).toEqual(hostKey);
    expect(await servers.probeHostKey('edge-1')).toMatchObject({ verdict: 'trusted' });
    expect(asked.at(-1)).toBe('restart edge-1');
  });

  it('removes a server with its secrets and its session; names an unknown one clearly', async () => {
    const fake = await oneFrameServer();
    const { servers, secrets, asked } = service();
    await servers.add({ server: entry(fake), acceptNew: true, password: 'pw-1', remember: false });
    expect(await secrets.get('edge-1')).toMatchObject({ password: 'pw-1' });
    await servers.remove('edge-1');
    expect(await servers.list()).toEqual([]);
    expect(await secrets.get('edge-1')).toBeUndefined();
    expect(asked).toEqual(['run edge-1', 'forget edge-1']);
    await expect(servers.reconnect('edge-1')).rejects.toMatchObject({ code: 'NO_SUCH_SERVER' });
  });
});
