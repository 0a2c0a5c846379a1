// Peer lifecycle on a real server (issue 15): a client pushing real traffic past a small quota is
// disabled within an interval while another client pings at 20/s without a loss; usage survives a
// WireGuard restart; a past expiry disables at once; a reason that no longer holds (a new period)
// re-enables; and a second recorder on another data dir, racing for the same peer, changes nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLab, type Lab } from '../../e2e/lab/lab.ts';
import { registerLab } from '../../e2e/lab/register.ts';
import type { LoggedEvent } from '../../src/shared/event-log.ts';
import { parseQuota, quotaPeriodAt } from '../../src/shared/peer-lifecycle.ts';
import type { PeerEdit } from '../../src/shared/peers.ts';
import { Engine } from '../../src/main/core/engine.ts';
import { describeLab, parseDump } from './support.ts';

const CONF = '/etc/wireguard/wg0.conf';
const INTERVAL_MS = 5000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describeLab('peer lifecycle enforced on a real server', () => {
  let lab: Lab;
  let dataDir: string;
  let engine: Engine;
  let rival: Engine;
  let twin: Engine;
  const logs: string[] = [];

  beforeAll(async () => {
    lab = await startLab({ name: 'lab-life', servers: 1, clients: 2, peers: 3, traffic: false });
    dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-life-'));
    await registerLab(lab, dataDir);
    engine = new Engine({ dataDir, userKnownHostsPath: null, recordHistory: true, log: (l) => logs.push(l) });
    await engine.start();
  }, 180_000);

  afterAll(async () => {
    engine?.stop();
    rival?.stop();
    twin?.stop();
    await lab?.stop();
  }, 120_000);

  const server = () => lab.servers[0]!;
  const peerOf = (client: number) =>
    server().interfaces[0]!.peers.find((p) => p.client === client)!.publicKey;
  const randomPeer = () => server().interfaces[0]!.peers.find((p) => p.client === null)!.publicKey;
  const serverAddress = () => server().interfaces[0]!.addressV4.split('/')[0]!;
  const file = async (): Promise<string> => (await lab.exec(0, `cat ${CONF}`)).stdout;
  const liveKeys = async (): Promise<Set<string>> =>
    new Set(
      parseDump((await lab.exec(0, 'wg show all dump')).stdout)
        .get('wg0')!
        .peers.map((p) => p.publicKey),
    );
  const edit = (peer: string, change: PeerEdit, using = engine) =>
    using.handlers['peers:change']({
      server: server().name,
      iface: 'wg0',
      operation: { kind: 'changes', changes: [{ action: 'edit', peer, edit: change }] },
    });
  const events = async (type: LoggedEvent['type'], using = engine): Promise<LoggedEvent[]> =>
    using.handlers['events:list']({ server: server().name, types: [type] });
  const usageOf = (key: string) =>
    engine.handlers['fleet:state']().then(
      (fleet) => fleet[0]?.interfaces[0]?.peers.find((p) => p.publicKey === key)?.usage,
    );
  const blockOf = (text: string, key: string): string => {
    const at = text.indexOf(key);
    return text.slice(
      text.lastIndexOf('[Peer]', at),
      text.indexOf('\n\n', at) === -1 ? undefined : text.indexOf('\n\n', at),
    );
  };

  it('a client over a small quota is disabled within an interval; another pinging at 20/s loses nothing', async () => {
    await until(
      'the server streaming',
      async () => (await engine.handlers['fleet:state']())[0]?.state === 'connected',
    );
    const heavy = peerOf(0);
    const quiet = peerOf(1);
    await edit(heavy, { quota: parseQuota('300KiB/day')! });
    await edit(quiet, { quota: parseQuota('1GiB/month')! });
    // The rule goes under the plain comment that names the peer, which keeps its name.
    expect(blockOf(await file(), heavy)).toContain('[Peer]\n# lab client 0\n# Quota = 300KiB/day\n');
    // The quiet client's session is up before its pings are counted.
    await lab.clientExec(1, `ping -c 3 -i 0.2 -W 2 ${serverAddress()}`);
    const pinger = await lab.startPinger(1, { intervalMs: 50 });
    await until('a usage figure for the heavy peer', async () => (await usageOf(heavy)) !== undefined);

    // Every published live state, not a poll of it: the frame that crosses the quota is also the one
    // the enforcer judges, and the peer is out of the live state again ~0.2 s later.
    let crossed: number | null = null;
    const off = engine.subscribe('fleet:server', (live) => {
      const usage = live.interfaces[0]?.peers.find((p) => p.publicKey === heavy)?.usage;
      if (crossed === null && (usage?.bytes ?? 0) >= 300 * 1024) crossed = Date.now();
    });
    // ~1,500 bytes each way per packet, 20 packets/s: 300 KiB is crossed within about 5 s.
    const pushing = lab
      .clientExec(0, `ping -q -s 1400 -i 0.05 -c 600 -W 1 ${serverAddress()}`)
      .catch(() => null);
    const crossedAt = await until(
      'the heavy peer over its quota',
      () => Promise.resolve(crossed),
      60_000,
    ).finally(off);
    const disabledAt = await until('the heavy peer gone from the live interface', async () =>
      (await liveKeys()).has(heavy) ? null : Date.now(),
    );
    await pushing;
    // Seen over quota at one frame, judged at that same frame: the change takes a few seconds more.
    expect(disabledAt - crossedAt).toBeLessThan(INTERVAL_MS + 10_000);
    const text = await file();
    const day = quotaPeriodAt('day', Date.now()).key;
    expect(blockOf(text, heavy)).toContain(`#! # DisabledBy = quota ${day}`);
    expect(blockOf(text, heavy)).toContain('#! # Quota = 300KiB/day');
    expect((await liveKeys()).has(quiet)).toBe(true);

    const result = await pinger.stop();
    expect(result.sent).toBeGreaterThan(100);
    expect(result.lostSequences).toEqual([]);

    const exceeded = await until('the event', async () => {
      const found = await events('peer.quotaExceeded');
      return found.length > 0 && found;
    });
    expect(exceeded).toHaveLength(1);
    expect(String(exceeded[0]!.details['message'])).toMatch(/of 300 KiB .* disabled until/);
    expect(await events('peer.quotaWarning')).toHaveLength(1);
    console.log(
      `lifecycle: over quota → disabled in ${disabledAt - crossedAt} ms; pinger ${result.sent} sent, 0 lost`,
    );
  }, 150_000);

  it("a peer's usage survives a WireGuard restart: its quota is not reset", async () => {
    const quiet = peerOf(1);
    await lab.clientExec(1, `ping -q -s 1000 -i 0.05 -c 100 ${serverAddress()}`);
    // Settled: the same figure over more than an interval, so every ping is in it.
    let seen = { bytes: -1, since: Date.now() };
    const before = await until('settled usage of the quiet peer', async () => {
      const usage = await usageOf(quiet);
      if (!usage || usage.bytes <= 100_000) return null;
      if (usage.bytes !== seen.bytes) seen = { bytes: usage.bytes, since: Date.now() };
      return Date.now() - seen.since > INTERVAL_MS + 1500 && usage;
    });
    await lab.restartWireGuard(0);
    await lab.clientExec(1, `ping -c 5 -i 0.2 -W 2 ${serverAddress()}`).catch(() => null);
    const after = await until('usage after the restart', async () => {
      const usage = await usageOf(quiet);
      return usage && usage.bytes > before.bytes && usage;
    });
    expect(after.periodKey).toBe(before.periodKey);
    expect(after.bytes).toBeGreaterThan(before.bytes);
    // The counters started again from zero: what the usage adds is this round's pings, not double.
    expect(after.bytes - before.bytes).toBeLessThan(50_000);
    // The heavy peer stays disabled: the restart brought the interface up from the file.
    expect((await liveKeys()).has(peerOf(0))).toBe(false);
  }, 90_000);

  it('an expiry in the past disables at once; a reason that no longer holds re-enables', async () => {
    const spare = randomPeer();
    await edit(spare, { expiresAt: Math.floor(Date.now() / 1000 - 3600) * 1000 });
    await until('the expired peer disabled', async () => !(await liveKeys()).has(spare), 20_000);
    expect(blockOf(await file(), spare)).toContain('#! # DisabledBy = expiry');
    // Logged once the change is verified (a moment after wg shows it).
    await until('the expired event', async () => (await events('peer.expired')).length === 1);

    // Moved a year later by hand in the file: the next read of the file re-enables it.
    await edit(spare, { expiresAt: Math.floor(Date.now() / 1000 + 365 * 86_400) * 1000 });
    await until('the extended peer enabled', async () => (await liveKeys()).has(spare), 20_000);
    expect(blockOf(await file(), spare)).not.toContain('DisabledBy');
    await until('the extended event', async () => (await events('peer.expiryExtended')).length === 1);

    // The heavy peer as if disabled yesterday: its quota's new period re-enables it.
    const heavy = peerOf(0);
    await lab.exec(0, `sed -i 's/^#! # DisabledBy = quota .*/#! # DisabledBy = quota 2020-01-01/' ${CONF}`);
    await edit(heavy, { quota: parseQuota('100MiB/day')! }); // reads the file (and raises the quota)
    await until('the heavy peer enabled in a new period', async () => (await liveKeys()).has(heavy), 20_000);
    expect(blockOf(await file(), heavy)).not.toContain('DisabledBy');
    await until('the reset event', async () => (await events('peer.quotaReset')).length === 1);
    expect((await events('peer.quotaReset')).map((e) => e.peer)).toEqual([heavy]);
  }, 120_000);

  it('two engines on one data set, and a recorder on another, enforce once', async () => {
    // A second engine on the same data dir: history has one recorder per data dir, so it only watches.
    twin = new Engine({ dataDir, userKnownHostsPath: null, recordHistory: true });
    await twin.start();
    await until(
      'the twin streaming',
      async () => (await twin.handlers['fleet:state']())[0]?.state === 'connected',
    );
    const rivalDir = mkdtempSync(join(tmpdir(), 'wgdeck-life-rival-'));
    await registerLab(lab, rivalDir);
    rival = new Engine({ dataDir: rivalDir, userKnownHostsPath: null, recordHistory: true });
    await rival.start();
    await until(
      'the rival streaming',
      async () => (await rival.handlers['fleet:state']())[0]?.state === 'connected',
    );
    await rival.handlers['peers:read'](server().name, 'wg0'); // the rival reads the file in its run too
    const spare = randomPeer();
    const backups = async () =>
      (await lab.exec(0, 'ls -1 /etc/wireguard/.wgdeck-backups')).stdout.split('\n');
    const backupsBefore = await backups();
    // Both learn the same past expiry from the same file (one writes it, the other reads it).
    await edit(spare, { expiresAt: Math.floor(Date.now() / 1000 - 60) * 1000 });
    await rival.handlers['peers:read'](server().name, 'wg0');
    await until('the peer disabled', async () => !(await liveKeys()).has(spare), 20_000);
    await sleep(2 * INTERVAL_MS); // both have judged at least one more frame
    const taken = (await backups()).filter((name) => !backupsBefore.includes(name));
    console.log(`lifecycle: backups taken ${taken.join(' ')}`);
    // One backup for the edit, one for the one disable.
    expect(taken).toHaveLength(2);
    const expired = [...(await events('peer.expired')), ...(await events('peer.expired', rival))].filter(
      (e) => e.peer === spare,
    );
    expect(expired.length).toBe(2); // once at the start of this test's first round, once now
    expect([
      ...(await events('peer.enforcementFailed')),
      ...(await events('peer.enforcementFailed', rival)),
    ]).toEqual([]);
  }, 120_000);
});
