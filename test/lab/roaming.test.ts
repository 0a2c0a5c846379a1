// Issue 12's roaming test on the lab: a real client moving to another source port is one `peer.roamed`
// in the event log, naming the endpoint it left and the one it came from.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLab, type Lab } from '../../e2e/lab/lab.ts';
import type { ServerLive } from '../../src/shared/domain.ts';
import type { LoggedEvent } from '../../src/shared/event-log.ts';
import { Engine } from '../../src/main/core/engine.ts';
import { cliSandbox } from './cli-harness.ts';
import { describeLab } from './support.ts';

const INTERVAL_SECONDS = 2;
/** The client's new source port: not the one it had (wireguard-go picked that at random). */
const NEW_PORT = 51_999;

/** The live endpoint the server reports for `publicKey`, once `predicate` holds for it. */
function waitForEndpoint(
  engine: Engine,
  server: string,
  publicKey: string,
  predicate: (endpoint: string | null) => boolean,
  timeoutMs: number,
): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${server}: endpoint of ${publicKey} did not change within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = engine.subscribe('fleet:server', (live: ServerLive) => {
      if (live.name !== server) return;
      const peer = live.interfaces.flatMap((i) => i.peers).find((p) => p.publicKey === publicKey);
      if (peer && predicate(peer.endpoint)) {
        clearTimeout(timer);
        off();
        resolve(peer.endpoint);
      }
    });
  });
}

async function roamedSince(engine: Engine, publicKey: string, since: number): Promise<LoggedEvent[]> {
  const events = await engine.handlers['events:list']({ server: 's0', peer: publicKey, since });
  return events.filter((e) => e.type === 'peer.roamed');
}

describeLab('roaming on the lab', () => {
  let lab: Lab;
  const cli = cliSandbox();

  beforeAll(async () => {
    lab = await startLab({ name: 'wgdroam', servers: 1, interfaces: 1, peers: 2, clients: 1 });
    const s = lab.servers[0]!;
    const added = await cli.run([
      'server',
      'add',
      's0',
      '--host',
      s.host,
      '--user',
      'root',
      '--identity',
      s.rootIdentityFile,
      '--accept-new',
    ]);
    expect(added.code, added.stderr).toBe(0);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('a client that changes its source port is logged once as peer.roamed, from the old endpoint to the new', async () => {
    const client = lab.clients[0]!;
    const engine = new Engine({ dataDir: cli.dataDir, userKnownHostsPath: null, recordHistory: true });
    try {
      await engine.start(['s0']);
      await engine.handlers['settings:update']({ intervalSeconds: INTERVAL_SECONDS });
      // The client's background ping has made a session: the server knows where it comes from.
      const before = (await waitForEndpoint(engine, 's0', client.publicKey, (e) => e !== null, 30_000))!;
      expect(before).toMatch(/^198\.18\.0\.2:\d+$/);
      expect(before).not.toBe(`198.18.0.2:${NEW_PORT}`);

      const movedAt = Date.now() / 1000;
      await lab.clientExec(client.index, `wg set wg0 listen-port ${NEW_PORT}`);
      const after = await waitForEndpoint(engine, 's0', client.publicKey, (e) => e !== before, 20_000);
      expect(after).toBe(`198.18.0.2:${NEW_PORT}`);

      // The recorder writes on the poll that saw it; a few more polls must not log it again.
      let roamed: LoggedEvent[] = [];
      const deadline = Date.now() + 10_000;
      while (roamed.length === 0 && Date.now() < deadline) {
        roamed = await roamedSince(engine, client.publicKey, movedAt);
        if (roamed.length === 0) await new Promise((r) => setTimeout(r, 250));
      }
      await waitForPolls(engine, 3);
      roamed = await roamedSince(engine, client.publicKey, movedAt);
      expect(roamed).toHaveLength(1);
      expect(roamed[0]).toMatchObject({
        type: 'peer.roamed',
        server: 's0',
        interface: 'wg0',
        peer: client.publicKey,
        details: { from: before, to: after },
      });

      // Another process reads the same entry (`wgdeck events --json`).
      const log = await cli.run([
        'events',
        '--server',
        's0',
        '--type',
        'peer.roamed',
        '--since',
        '10m',
        '--json',
      ]);
      expect(log.stderr).toBe('');
      const fromCli = (JSON.parse(log.stdout) as { events: LoggedEvent[] }).events.filter(
        (e) => e.at >= movedAt,
      );
      expect(fromCli.map((e) => e.details)).toEqual([{ from: before, to: after }]);
    } finally {
      engine.stop();
    }
  });
});

/** Resolves after `n` more snapshots of s0 (distinct `updatedAt`: polls, not repeated publications). */
function waitForPolls(engine: Engine, n: number): Promise<void> {
  return new Promise((resolve) => {
    const seen = new Set<number>();
    const off = engine.subscribe('fleet:server', (live) => {
      if (live.name !== 's0' || live.updatedAt === null) return;
      seen.add(live.updatedAt);
      if (seen.size < n) return;
      off();
      resolve();
    });
  });
}
