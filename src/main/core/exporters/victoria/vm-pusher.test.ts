import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_VICTORIA_METRICS } from '../../../../shared/exporter-settings.ts';
import { startVictoria, type Victoria } from '../../../../../test/support/victoria.ts';
import { until } from '../../../../../test/support/until.ts';
import { testInput, testPeer, testServer } from '../exporters.testkit.ts';
import type { PollSink } from '../exporter-service.ts';
import { victoriaMetricsSink } from './index.ts';

/** An hour ago, on a 5 s grid: VictoriaMetrics takes the past (retention 100y here), not the future. */
const BASE = Math.floor(Date.now() / 1000 / 5) * 5 - 3600;

/** Poll `i` of server `name`: peers' counters grow with i, the server's clock is BASE + 5 i. */
function poll(name: string, i: number, peers = 3) {
  const list = Array.from({ length: peers }, (_, n) => testPeer(n + 1, { rxBytes: 1000 * (n + 1) + i * 7 }));
  return testInput(testServer(name, list, { serverTime: BASE + 5 * i }));
}

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-push-'));
  dirs.push(dir);
  return dir;
}

const sinks: PollSink[] = [];
function sink(
  url: string,
  dir: string,
  settings: Partial<typeof DEFAULT_VICTORIA_METRICS> = {},
  secret = '',
) {
  const made = victoriaMetricsSink(
    { ...DEFAULT_VICTORIA_METRICS, url, ...settings },
    () => Promise.resolve(secret),
    { dataDir: dir, names: 'mdlayher', log: () => undefined },
  );
  if (!made) throw new Error('no sink');
  sinks.push(made);
  return made;
}

let vm: Victoria;
beforeAll(async () => {
  vm = await startVictoria();
});
afterAll(async () => {
  await vm.close();
});
afterEach(async () => {
  for (const s of sinks.splice(0)) await s.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Raw samples of one peer's receive counter on `server`, as VictoriaMetrics holds them. */
async function rxSamples(server: string, peer = 1) {
  const key = testPeer(peer).publicKey;
  const series = await vm.exportRaw(
    `wireguard_peer_receive_bytes_total{server="${server}",public_key="${key}"}`,
  );
  expect(series.length).toBeLessThanOrEqual(1);
  return series[0] ?? { timestamps: [] as number[], values: [] as number[] };
}

const caughtUp = (s: PollSink) => () => s.status().backlogSamples === 0 && s.status().state === 'ok';

describe('the VictoriaMetrics push, against a real victoria-metrics', () => {
  it('pushes every poll with its server’s own timestamps; what is queried back equals what was sent', async () => {
    const push = sink(vm.url, dataDir());
    for (let i = 0; i < 10; i++) for (const server of ['a1', 'a2']) push.onPoll(poll(server, i));
    await until(caughtUp(push), 'caught up');
    const samples = await rxSamples('a1', 2);
    expect(samples.timestamps).toEqual(Array.from({ length: 10 }, (_, i) => (BASE + 5 * i) * 1000));
    expect(samples.values).toEqual(Array.from({ length: 10 }, (_, i) => 2000 + i * 7));
    const info = await vm.exportRaw(`wireguard_peer_info{server="a2"}`);
    expect(info).toHaveLength(3);
    expect(info[0]!.metric['interface']).toBe('wg0');
    expect(info[0]!.metric['allowed_ips']).toMatch(/^198\.18\./);
    expect(push.status()).toMatchObject({ state: 'ok', error: null, backlogBytes: 0 });
    expect(push.status().lastPushAt).not.toBeNull();
  });

  it('an outage of VictoriaMetrics is buffered on disk and replayed in order: no gap, no sample twice', async () => {
    const push = sink(vm.url, dataDir());
    push.onPoll(poll('b1', 0));
    await until(caughtUp(push), 'first push');
    await vm.stop();
    try {
      for (let i = 1; i < 30; i++) push.onPoll(poll('b1', i));
      await until(() => push.status().state === 'failing', 'failing');
      expect(push.status().error).toMatch(/cannot reach .*connection refused/);
      await until(() => push.status().backlogSamples > 0, 'backlog');
    } finally {
      await vm.start();
    }
    for (let i = 30; i < 40; i++) push.onPoll(poll('b1', i));
    await until(caughtUp(push), 'replayed', 40_000);
    const samples = await rxSamples('b1');
    expect(samples.timestamps).toEqual(Array.from({ length: 40 }, (_, i) => (BASE + 5 * i) * 1000));
  });

  it('what a stopped process had buffered is sent by the next one, once', async () => {
    const dir = dataDir();
    await vm.stop();
    let first: PollSink;
    try {
      first = sink(vm.url, dir);
      for (let i = 0; i < 12; i++) first.onPoll(poll('c1', i));
      await until(() => first.status().backlogSamples > 0 && first.status().state === 'failing', 'buffering');
      await first.close();
    } finally {
      await vm.start();
    }
    const second = sink(vm.url, dir);
    expect(second.status().backlogSamples).toBeGreaterThan(0);
    second.onPoll(poll('c1', 12));
    await until(caughtUp(second), 'replayed');
    const samples = await rxSamples('c1');
    expect(samples.timestamps).toEqual(Array.from({ length: 13 }, (_, i) => (BASE + 5 * i) * 1000));
  });

  it('close() sends what it holds before it returns (SIGTERM loses nothing)', async () => {
    const push = sink(vm.url, dataDir());
    for (let i = 0; i < 5; i++) push.onPoll(poll('d1', i));
    await push.close();
    expect((await rxSamples('d1')).timestamps).toHaveLength(5);
  });

  it('one process per data directory pushes; a second one says why it does not', () => {
    const dir = dataDir();
    // Another live process holds the buffer's lock (its pid in the lock file, as tryLock writes it).
    const other = spawn('sleep', ['60']);
    try {
      mkdirSync(join(dir, 'vm-buffer'), { recursive: true });
      writeFileSync(join(dir, 'vm-buffer', 'lock'), String(other.pid));
      const second = sink(vm.url, dir);
      second.onPoll(poll('h1', 0));
      expect(second.status()).toMatchObject({
        state: 'off',
        error: `another WG Deck process (pid ${other.pid}) pushes from this data directory; this one does not`,
      });
    } finally {
      other.kill();
    }
  });
});

describe('the push with credentials, against victoria-metrics with -httpAuth', () => {
  let guarded: Victoria;
  beforeAll(async () => {
    guarded = await startVictoria(['-httpAuth.username=deck', '-httpAuth.password=s3cret']);
  });
  afterAll(async () => {
    await guarded.close();
  });

  it('basic auth: the right password is taken; a wrong one is a clear, kept failure', async () => {
    const wrong = sink(guarded.url, dataDir(), { auth: 'basic', username: 'deck' }, 'nope');
    wrong.onPoll(poll('e1', 0));
    await until(() => /refused the credentials/.test(wrong.status().error ?? ''), 'refused');
    expect(wrong.status().error).toMatch(/refused the credentials \(HTTP 401/);
    expect(wrong.status().backlogSamples).toBeGreaterThan(0);
    const right = sink(guarded.url, dataDir(), { auth: 'basic', username: 'deck' }, 's3cret');
    right.onPoll(poll('e2', 0));
    await until(caughtUp(right), 'taken');
  });
});

describe('the push against a misbehaving endpoint (a local HTTP server)', () => {
  let server: Server;
  let url: string;
  let answer: (req: IncomingMessage, body: Buffer) => number | null;
  const received: { auth: string | undefined; text: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const status = answer(req, body);
        if (status === null) return; // never answers
        if (status === 204)
          received.push({ auth: req.headers.authorization, text: gunzipSync(body).toString() });
        res.writeHead(status).end(status === 204 ? '' : 'busy <script>x</script>');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  afterEach(() => received.splice(0));

  it('sends the bearer token, and retries a 503 until it is taken', async () => {
    let calls = 0;
    answer = () => (++calls <= 2 ? 503 : 204);
    const push = sink(url, dataDir(), { auth: 'bearer' }, 'tok-123');
    push.onPoll(poll('f1', 0));
    await until(() => push.status().state === 'failing', 'failing');
    expect(push.status().error).toMatch(/answered HTTP 503: busy/);
    await until(caughtUp(push), 'taken after retries', 15_000);
    expect(received).toHaveLength(1);
    expect(received[0]!.auth).toBe('Bearer tok-123');
    expect(received[0]!.text).toContain(`wireguard_peer_receive_bytes_total{server="f1"`);
    expect(received[0]!.text).toMatch(new RegExp(` ${BASE * 1000}\\n`));
  });

  it('a 400 is not retried forever: those samples are dropped and said', async () => {
    answer = () => 400;
    const logs: string[] = [];
    const push = victoriaMetricsSink({ ...DEFAULT_VICTORIA_METRICS, url }, () => Promise.resolve(''), {
      dataDir: dataDir(),
      names: 'mdlayher',
      log: (m) => logs.push(m),
    })!;
    sinks.push(push);
    push.onPoll(poll('g1', 0));
    await until(() => logs.some((l) => /dropped \d+ samples it rejected/.test(l)), 'dropped');
    expect(push.status().backlogSamples).toBe(0);
  });
});
