// The result and event schemas accept what the engine really produces (built by the real code from
// the test fixtures), and refuse a value that is broken.
import { describe, expect, it } from 'vitest';
import { makeFrameText } from '../main/core/collector/fixtures.ts';
import { createFrameStream } from '../main/core/collector/frame-stream.ts';
import { HistoryStore } from '../main/core/history/history-store.ts';
import { ServerSimulator } from '../main/core/history/simulate.ts';
import { clientConfigResult, serverSide } from '../main/core/peer-ops/client-configs.ts';
import { interfaceView } from '../main/core/peer-ops/peer-service.ts';
import { sha256Hex } from '../main/core/peers/commands.ts';
import { parseConfig } from '../main/core/peers/config-file.ts';
import { compareDrift } from '../main/core/peers/drift.ts';
import { SERVER_CONF, SERVER_PRIVATE, serverLive, testKey } from '../main/core/peers/fixtures.testkit.ts';
import { publicKeyOf } from '../main/core/peers/keys.ts';
import { planPeerChanges } from '../main/core/peers/plan.ts';
import { ServerTracker } from '../main/core/state/server-tracker.ts';
import {
  DEFAULT_THRESHOLDS,
  serverLiveSchema,
  snapshotSchema,
  statusThresholdsSchema,
  type ServerLive,
  type Snapshot,
} from './domain.ts';
import { errorDetailsSchema, pickErrorDetails } from './error-details.ts';
import {
  DEFAULT_RETENTION,
  endpointEventSchema,
  fleetSeriesSchema,
  handshakeEventSchema,
  interfaceSeriesSchema,
  peerEventsSchema,
  peerSeriesSchema,
  retentionShapeSchema,
  serverSeriesSchema,
  usageBucketSchema,
} from './history.ts';
import { DeltaEncoder, serverDeltaSchema } from './live-delta.ts';
import {
  clientConfigResultSchema,
  interfaceConfigViewSchema,
  interfaceDriftSchema,
  peerNamesSchema,
  peerTxEventSchema,
  previewResultSchema,
} from './peer-ops.ts';
import { driftReportSchema, planPreviewSchema } from './peers.ts';
import { serverConfigSchema } from './validation.ts';

const FINGERPRINT = `SHA256:${'A'.repeat(43)}`;

/** Frames as the remote script prints them, through the real decoder and parser. */
function snapshots(): Snapshot[] {
  const out: Snapshot[] = [];
  const stream = createFrameStream({
    onSnapshot: (s) => out.push(s),
    onDrop: (reason) => {
      throw new Error(reason);
    },
    onFatal: (code) => {
      throw new Error(code);
    },
  });
  const dump = { interfaces: 2, peersPerInterface: 30, seed: 7 };
  stream.push(Buffer.from(makeFrameText({ seq: 1, serverTime: 1_750_000_000, uptime: 1000, dump })));
  stream.push(
    Buffer.from(
      makeFrameText({
        seq: 2,
        serverTime: 1_750_000_005,
        uptime: 1005,
        dump: { ...dump, now: 1_750_000_005 },
      }),
    ),
  );
  stream.end();
  return out;
}

/** Live states as the session builds them from the tracker. */
function liveStates(): ServerLive[] {
  const tracker = new ServerTracker(DEFAULT_THRESHOLDS);
  return snapshots().map((snapshot, i) => {
    const tracked = tracker.apply(snapshot);
    return {
      name: 'lab-1',
      host: 'lab-1.example.net',
      state: 'connected',
      updatedAt: 1_750_000_000_000 + i * 5000,
      serverTime: tracked.serverTime,
      interfaces: tracked.interfaces,
      system: tracked.system,
      droppedFrames: 0,
    };
  });
}

function failing(host: string): ServerLive {
  const error = Object.assign(new Error('host key changed'), {
    host,
    port: 22,
    keyType: 'ssh-ed25519',
    fingerprint: FINGERPRINT,
    expectedFingerprints: [`SHA256:${'B'.repeat(43)}`],
  });
  return {
    name: 'lab-2',
    host,
    state: 'error',
    error: error.message,
    errorCode: 'HOST_KEY_CHANGED',
    errorDetails: pickErrorDetails(error),
    updatedAt: null,
    serverTime: null,
    interfaces: [],
    system: null,
    droppedFrames: 0,
  };
}

describe('live schemas', () => {
  it('parse snapshots and the live state made from them, rates and all', () => {
    for (const snapshot of snapshots()) expect(snapshotSchema.parse(snapshot)).toEqual(snapshot);
    const [first, second] = liveStates();
    expect(second!.interfaces[0]!.peers.some((p) => p.rxRate !== null)).toBe(true); // rates computed
    expect(serverLiveSchema.parse(first)).toEqual(first);
    expect(serverLiveSchema.parse(second)).toEqual(second);
    const down = failing('198.18.5.6');
    expect(down.errorDetails?.expectedFingerprints).toHaveLength(1);
    expect(serverLiveSchema.parse(down)).toEqual(down);
    expect(statusThresholdsSchema.parse(DEFAULT_THRESHOLDS)).toEqual(DEFAULT_THRESHOLDS);
  });

  it('parse deltas: the first in full, then changed peers, then a problem that appeared', () => {
    const encoder = new DeltaEncoder();
    const [first, second] = liveStates();
    const full = encoder.encode(first!);
    const delta = encoder.encode(second!);
    expect(full.full).toBeDefined();
    expect(delta.interfaces?.[0]?.changed.length).toBeGreaterThan(0);
    const problem = encoder.encode({ ...second!, ...failing('198.18.5.7'), name: second!.name });
    expect(problem.problem?.errorDetails).toBeDefined();
    for (const d of [full, delta, problem]) expect(serverDeltaSchema.parse(d)).toEqual(d);
  });

  it('refuse a broken live state or delta', () => {
    const [live] = liveStates();
    const peer = live!.interfaces[0]!.peers[0]!;
    const brokenPeer = { ...peer, rxRate: '5' };
    const broken = { ...live!, interfaces: [{ ...live!.interfaces[0]!, peers: [brokenPeer] }] };
    expect(serverLiveSchema.safeParse(broken).success).toBe(false);
    expect(serverLiveSchema.safeParse({ ...live!, state: 'asleep' }).success).toBe(false);
    const { droppedFrames: _dropped, ...missing } = live!;
    expect(serverLiveSchema.safeParse(missing).success).toBe(false);
    expect(serverDeltaSchema.safeParse({ name: 'lab-1', seq: '2' }).success).toBe(false);
  });
});

describe('error details schema', () => {
  it('accepts what the picker keeps and refuses what it would drop', () => {
    const picked = failing('lab-2.example.net').errorDetails!;
    expect(errorDetailsSchema.parse(picked)).toEqual(picked);
    expect(errorDetailsSchema.safeParse({ fingerprint: 'MD5:aa:bb' }).success).toBe(false);
    expect(errorDetailsSchema.safeParse({ port: 0 }).success).toBe(false);
  });
});

describe('history schemas', () => {
  it('parse every query result of a store fed by the simulator', () => {
    const store = HistoryStore.open(':memory:');
    try {
      const sim = new ServerSimulator({ peers: 20, seed: 3, roamChance: 0.05 });
      const t0 = Date.UTC(2025, 5, 2);
      for (let i = 0; i < 120; i++) {
        store.record('lab-1', sim.step(5), t0 + i * 5000, 5);
      }
      const range = { from: t0, to: t0 + 600_000, points: 60 };
      const peer = sim.peers[0]!.dump.publicKey;
      const peerSeries = store.peerSeries({ ...range, server: 'lab-1', iface: 'wg0', peer });
      expect(peerSeries.t.length).toBeGreaterThan(0);
      expect(peerSeriesSchema.parse(peerSeries)).toEqual(peerSeries);
      const ifaceSeries = store.interfaceSeries({
        ...range,
        server: 'lab-1',
        iface: 'wg0',
        counters: ['rxBytes', 'txPackets'],
      });
      expect(Object.keys(ifaceSeries.counters)).toEqual(['rxBytes', 'txPackets']);
      expect(interfaceSeriesSchema.parse(ifaceSeries)).toEqual(ifaceSeries);
      const serverSeries = store.serverSeries({
        ...range,
        server: 'lab-1',
        metrics: ['cpu', 'mem', 'load1'],
      });
      expect(serverSeries.cpu).toBeDefined();
      expect(serverSeriesSchema.parse(serverSeries)).toEqual(serverSeries);
      const fleet = store.fleetSeries(range);
      expect(fleetSeriesSchema.parse(fleet)).toEqual(fleet);
      const usage = store.usage({
        server: 'lab-1',
        iface: 'wg0',
        peer,
        by: 'day',
        from: t0,
        to: t0 + 86_400_000,
      });
      expect(usage.length).toBeGreaterThan(0);
      for (const bucket of usage) expect(usageBucketSchema.parse(bucket)).toEqual(bucket);
      const busy = sim.peers.find((p) => p.dump.latestHandshake !== null)!.dump.publicKey;
      const query = { server: 'lab-1', iface: 'wg0', peer: busy, from: t0, to: t0 + 600_000 };
      const events = { handshakes: store.handshakes(query), endpoints: store.endpointChanges(query) };
      expect(events.handshakes.length).toBeGreaterThan(0);
      for (const e of events.handshakes) expect(handshakeEventSchema.parse(e)).toEqual(e);
      for (const e of events.endpoints) expect(endpointEventSchema.parse(e)).toEqual(e);
      expect(peerEventsSchema.parse(events)).toEqual(events);
      expect(retentionShapeSchema.parse(store.retention)).toEqual(DEFAULT_RETENTION);

      expect(peerSeriesSchema.safeParse({ ...peerSeries, gaps: [[t0]] }).success).toBe(false);
      expect(peerSeriesSchema.safeParse({ ...peerSeries, tier: 'day' }).success).toBe(false);
      expect(
        interfaceSeriesSchema.safeParse({ ...ifaceSeries, counters: { bogus: ifaceSeries.counters.rxBytes } })
          .success,
      ).toBe(false);
    } finally {
      store.close();
    }
  });
});

describe('peer operation schemas', () => {
  const serverPublic = publicKeyOf(SERVER_PRIVATE);
  const live = serverLive(serverPublic);
  const plan = planPeerChanges({
    iface: 'wg0',
    fileText: SERVER_CONF,
    live,
    changes: [
      {
        action: 'add',
        publicKey: testKey('frank'),
        name: 'frank',
        presharedKey: null,
        allowedIps: 'auto',
        persistentKeepalive: 25,
      },
    ],
  });

  it('parse a plan preview, the preview result and drift reports', () => {
    expect(plan.preview.touched).toHaveLength(1);
    expect(planPreviewSchema.parse(plan.preview)).toEqual(plan.preview);
    const result = {
      planId: 'p'.repeat(24),
      expiresAt: 1_750_000_600_000,
      preview: plan.preview,
      baseSha256: plan.baseSha256,
      writesFile: plan.newText !== SERVER_CONF,
    };
    expect(previewResultSchema.parse(result)).toEqual(result);
    const drifted = { ...live, peers: live.peers.slice(1) };
    const report = compareDrift(parseConfig(SERVER_CONF), drifted);
    expect(report.inSync).toBe(false);
    expect(driftReportSchema.parse(report)).toEqual(report);
    const drift = { iface: 'wg0', configPath: '/etc/wireguard/wg0.conf', report, problem: null };
    expect(interfaceDriftSchema.parse(drift)).toEqual(drift);
    expect(planPreviewSchema.safeParse({ ...plan.preview, tier: 3 }).success).toBe(false);
    expect(driftReportSchema.safeParse({ ...report, onlyFile: [{ publicKey: 'k' }] }).success).toBe(false);
  });

  it('parse the view of an interface, a client config, a tx event and peer names', async () => {
    const view = interfaceView('lab-1', 'wg0', '/etc/wireguard/wg0.conf', {
      fileText: SERVER_CONF,
      sha256: sha256Hex(SERVER_CONF),
      live,
      backups: [{ id: 'wg0.conf.20261123T101502Z', takenAt: Date.UTC(2026, 10, 23, 10, 15, 2), bytes: 900 }],
      pending: null,
      rolledBack: null,
      rollbackFailed: null,
    });
    expect(view.peers.length).toBeGreaterThan(0);
    expect(interfaceConfigViewSchema.parse(view)).toEqual(view);
    expect(interfaceConfigViewSchema.safeParse({ ...view, drift: undefined }).success).toBe(false);

    const client = await clientConfigResult({
      peer: plan.added[0]!,
      privateKey: SERVER_PRIVATE,
      side: serverSide(SERVER_CONF, live),
      endpointHost: 'lab-1.example.net',
      options: undefined,
      kept: false,
    });
    expect(client.qrSvg).toContain('<svg');
    expect(clientConfigResultSchema.parse(client)).toEqual(client);
    expect(clientConfigResultSchema.safeParse({ ...client, text: 42 }).success).toBe(false);

    const tx = {
      txId: 'tx1',
      planId: null,
      server: 'lab-1',
      iface: 'wg0',
      phase: 'armed',
      rollbackAt: 1_750_000_060_000,
      message: 'rolls back in 60 s unless confirmed',
    };
    expect(peerTxEventSchema.parse(tx)).toEqual(tx);
    expect(peerTxEventSchema.safeParse({ ...tx, phase: 'sleeping' }).success).toBe(false);
    const names = {
      server: 'lab-1',
      iface: 'wg0',
      names: Object.fromEntries(view.peers.map((p) => [p.publicKey, p.name ?? ''])),
    };
    expect(peerNamesSchema.parse(names)).toEqual(names);
    expect(peerNamesSchema.safeParse({ ...names, names: { k: 1 } }).success).toBe(false);
  });
});

describe('server config schema', () => {
  it('is the type the store saves: a full entry parses, an extra key does not', () => {
    const server = {
      name: 'lab-1',
      host: '198.18.0.10',
      port: 22,
      user: 'admin',
      jump: 'bastion.example.net:2222',
      sudo: true,
      intervalSeconds: 5,
      configPaths: { wg0: '/etc/wireguard/wg0.conf' },
    };
    expect(serverConfigSchema.parse(server)).toEqual(server);
    expect(serverConfigSchema.safeParse({ ...server, password: 'x' }).success).toBe(false);
  });
});
