import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../e2e/lab/exec.ts';
import { sshArgs, startLab, type Lab } from '../../e2e/lab/lab.ts';
import type { StatusJson } from '../../src/cli/status-json.ts';
import type { LoggedEvent } from '../../src/shared/event-log.ts';
import type { Placement } from '../../src/shared/placement.ts';
import { COUNTER_NAMES, type ServerLive } from '../../src/shared/domain.ts';
import type { PeerNames } from '../../src/shared/peer-ops.ts';
import { Engine } from '../../src/main/core/engine.ts';
import { cliSandbox, type CliResult } from './cli-harness.ts';
import { slowProxy, startCollector, type CollectorProcess } from './collector-run.ts';
import { startVictoria } from '../support/victoria.ts';
import { until as untilTrue } from '../support/until.ts';
import { sshChains, untilNoSshConnections } from './ssh-chains.ts';
import { describeLab } from './support.ts';
import { countersOf, readTruth, type Truth } from './wg-truth.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function json(result: CliResult): StatusJson {
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as StatusJson;
}

/** `value` is what the server reported between the `before` and `after` readings. */
function expectBetween(value: number | null | undefined, before: number, after: number, what: string): void {
  expect(value, what).not.toBeNull();
  expect(
    value! >= Math.min(before, after) && value! <= Math.max(before, after),
    `${what}: ${value} not in [${before}, ${after}]`,
  ).toBe(true);
}

/** Our nine counters → their series on /metrics. */
const COUNTER_METRICS: Record<string, string> = {
  rxBytes: 'wireguard_interface_receive_bytes_total',
  txBytes: 'wireguard_interface_transmit_bytes_total',
  rxPackets: 'wireguard_interface_receive_packets_total',
  txPackets: 'wireguard_interface_transmit_packets_total',
  rxErrors: 'wireguard_interface_receive_errors_total',
  txErrors: 'wireguard_interface_transmit_errors_total',
  rxDropped: 'wireguard_interface_receive_dropped_total',
  txDropped: 'wireguard_interface_transmit_dropped_total',
  multicast: 'wireguard_interface_multicast_total',
};

/** The samples of a text exposition (no timestamps), labels unescaped. */
function parseExposition(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const l of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return out;
}

function compareWithTruth(server: StatusJson['servers'][number], before: Truth, after: Truth): void {
  const interfaceLines = after.dump.filter((f) => f.length === 5);
  expect(server.interfaces.map((i) => i.name).sort()).toEqual(interfaceLines.map((f) => f[0]).sort());
  for (const iface of server.interfaces) {
    const line = interfaceLines.find((f) => f[0] === iface.name)!;
    expect(iface.publicKey).toBe(line[2]);
    expect(iface.listenPort).toBe(Number(line[3]));
    const beforeCounters = countersOf(before.netdev[iface.name]!);
    const afterCounters = countersOf(after.netdev[iface.name]!);
    for (const name of COUNTER_NAMES) {
      expectBetween(
        iface.counters![name],
        beforeCounters[name]!,
        afterCounters[name]!,
        `${iface.name}.${name}`,
      );
    }
    const peerLines = after.dump.filter((f) => f.length === 9 && f[0] === iface.name);
    expect(iface.peers.map((p) => p.publicKey).sort()).toEqual(peerLines.map((f) => f[1]).sort());
    for (const peer of iface.peers) {
      const a = peerLines.find((f) => f[1] === peer.publicKey)!;
      const b = before.dump.find((f) => f.length === 9 && f[0] === iface.name && f[1] === peer.publicKey)!;
      expect(peer.presharedKey).toBe(a[2] !== '(none)');
      expect(peer.endpoint).toBe(a[3] === '(none)' ? null : a[3]);
      expect(peer.allowedIps).toEqual(a[4] === '(none)' ? [] : a[4]!.split(','));
      expect(peer.persistentKeepalive).toBe(a[8] === 'off' ? null : Number(a[8]));
      if (a[5] === '0') expect(peer.latestHandshake).toBeNull();
      else expectBetween(peer.latestHandshake, Number(b[5]), Number(a[5]), 'latestHandshake');
      expectBetween(peer.rxBytes, Number(b[6]), Number(a[6]), 'rxBytes');
      expectBetween(peer.txBytes, Number(b[7]), Number(a[7]), 'txBytes');
      expect(peer.status).toBe(a[5] === '0' ? 'never' : 'online');
    }
  }
}

function waitFor(
  engine: Engine,
  name: string,
  predicate: (live: ServerLive) => boolean,
  timeoutMs: number,
): Promise<ServerLive> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${name}: condition not met within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = engine.subscribe('fleet:server', (live) => {
      if (live.name === name && predicate(live)) {
        clearTimeout(timer);
        off();
        resolve(live);
      }
    });
  });
}

describeLab('engine and CLI against real servers', () => {
  let lab: Lab;
  const cli = cliSandbox();

  beforeAll(async () => {
    lab = await startLab({
      name: 'wgdeng',
      servers: 2,
      interfaces: 2,
      peers: 4,
      clients: 2,
      sudo: ['nopasswd', 'password'],
    });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('refuses an unknown host key without --accept-new, naming its fingerprint', async () => {
    const s = lab.servers[0]!;
    const result = await cli.run([
      'server',
      'add',
      'refused',
      '--host',
      s.host,
      '--user',
      'root',
      '--identity',
      s.rootIdentityFile,
    ]);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(s.hostKeyFingerprint);
    expect((await cli.run(['server', 'list', '--json'])).stdout).toContain('"servers": []');
  });

  it("honours the user's ~/.ssh/known_hosts (read-only) without asking", async () => {
    const s = lab.servers[0]!;
    const other = cliSandbox();
    mkdirSync(`${other.home}/.ssh`, { mode: 0o700 });
    writeFileSync(`${other.home}/.ssh/known_hosts`, `${s.knownHostsLine}\n`);
    const before = readFileSync(`${other.home}/.ssh/known_hosts`, 'utf8');
    const added = await other.run([
      'server',
      'add',
      'kh',
      '--host',
      s.host,
      '--user',
      'root',
      '--identity',
      s.rootIdentityFile,
    ]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(readFileSync(`${other.home}/.ssh/known_hosts`, 'utf8')).toBe(before);
  });

  it('asks on a terminal, showing the fingerprint, and pins exactly that key when the admin says yes', () => {
    const s = lab.servers[1]!;
    const other = cliSandbox();
    // `script` gives the CLI a real pseudo-terminal, as when an admin types the command.
    const command = [
      join(ROOT, 'bin', 'wgdeck'),
      '--data-dir',
      other.dataDir,
      'server',
      'add',
      'tty',
      '--host',
      s.host,
      '--user',
      'root',
      '--identity',
      s.rootIdentityFile,
    ].join(' ');
    const answer = (yes: boolean) =>
      execFileSync('script', ['-qec', command, '/dev/null'], {
        input: yes ? 'y\n' : 'n\n',
        env: { PATH: process.env['PATH'], HOME: other.home },
        encoding: 'utf8',
      });
    let refused = '';
    try {
      answer(false);
    } catch (error) {
      refused = String((error as { stdout?: string }).stdout);
    }
    expect(refused).toContain(s.hostKeyFingerprint);
    expect(refused).toContain('Not trusted');
    const accepted = answer(true);
    expect(accepted).toContain('Added tty');
    expect(readFileSync(`${other.dataDir}/known_hosts`, 'utf8')).toContain(s.hostKeyLine.split(' ')[1]);
  });

  it('adds servers (root, and a jump host), pinning their host keys', async () => {
    const [s0, s1] = lab.servers;
    const added = await cli.run([
      'server',
      'add',
      's0',
      '--host',
      s0!.host,
      '--user',
      'root',
      '--identity',
      s0!.rootIdentityFile,
      '--accept-new',
    ]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain(s0!.hostKeyFingerprint);
    expect(added.stdout).toContain('wg0, wg1');
    const second = await cli.run([
      'server',
      'add',
      's1',
      '--host',
      s1!.host,
      '--user',
      'root',
      '--identity',
      s1!.rootIdentityFile,
      '--accept-new',
    ]);
    expect(second.code).toBe(0);
    // ProxyJump through s0's sshd (forwardOut), to s0 itself: the jump and the target both check host keys.
    const jumped = await cli.run([
      'server',
      'add',
      's0-jump',
      '--host',
      s0!.host,
      '--user',
      'root',
      '--identity',
      s0!.rootIdentityFile,
      '--jump',
      `root@${s0!.host}:22`,
    ]);
    expect(jumped.stderr).toBe('');
    expect(jumped.code).toBe(0);
    const store = readFileSync(`${cli.dataDir}/known_hosts`, 'utf8');
    expect(store).toContain(s0!.hostKeyLine.split(' ')[1]);
  });

  it('watch fits an 80×24 terminal (tmux): no line wraps, the header stays, hidden peers are counted, resize redraws', async () => {
    // A real terminal: tmux on its own socket, so nothing of the developer's tmux is touched.
    const socket = `wgdeck-watch-${process.pid}`;
    const tmux = (...args: string[]): string =>
      execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    const command = `HOME=${cli.home} ${join(ROOT, 'bin', 'wgdeck')} --data-dir ${cli.dataDir} watch`;
    // -J joins wrapped lines, so a line wider than the terminal shows as one long line.
    const screen = (): string[] =>
      tmux('capture-pane', '-p', '-J', '-t', 'watch').replace(/\n+$/, '').split('\n');
    const until = async (what: string, ok: (lines: string[]) => boolean): Promise<string[]> => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const lines = screen();
        if (ok(lines)) return lines;
        if (Date.now() > deadline) throw new Error(`watch: ${what} not seen; screen:\n${lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    // Peer rows start with their status mark (colour is not captured, the mark is).
    const peerRows = (lines: string[]): string[] => lines.filter((l) => /^ {2}[●○]/.test(l));
    tmux('new-session', '-d', '-s', 'watch', '-x', '80', '-y', '24', command);
    try {
      const first = await until('all three servers streaming', (lines) =>
        ['s0 ', 's1 ', 's0-jump '].every((name) =>
          lines.some((l) => l.startsWith(name) && /connected/.test(l)),
        ),
      );
      expect(first[0]).toMatch(/^WG Deck — 3 servers, every \d+ s/);
      expect(first.length).toBeLessThanOrEqual(23);
      for (const l of first) expect(l.length, l).toBeLessThanOrEqual(80);
      // 3 servers × 2 interfaces × 5+ peers do not fit in 23 lines: what is left out is counted.
      expect(first.some((l) => /… \d+ more peers?$/.test(l.trim()))).toBe(true);
      // Refreshes keep the header on top and the peers in the same order. The order sorts by name,
      // and each server's names are read at connect: once every row shows its name (the lab names
      // every peer), the order must hold from refresh to refresh.
      const changed = (after: string[]) => (lines: string[]) => lines.join('\n') !== after.join('\n');
      const keyAt = first[1]!.indexOf('KEY');
      const nameAt = first[1]!.indexOf('NAME');
      const keys = (lines: string[]) => peerRows(lines).map((l) => l.slice(keyAt, keyAt + 9));
      const named = (lines: string[]) =>
        peerRows(lines).length > 0 && peerRows(lines).every((l) => !l.slice(nameAt).startsWith('—'));
      let current = await until('every peer row named', named);
      for (let i = 0; i < 3; i++) {
        const next = await until('a refresh', changed(current));
        expect(next[0]).toBe(first[0]);
        expect(keys(next)).toEqual(keys(current));
        current = next;
      }
      // A larger terminal is used at once (SIGWINCH): every peer fits, nothing is counted as hidden.
      tmux('resize-window', '-t', 'watch', '-x', '120', '-y', '60');
      const wide = await until('the redraw at 120×60', (lines) => lines[1]!.length > 80);
      expect(wide.some((l) => /more peers?$/.test(l.trim()))).toBe(false);
      expect(peerRows(wide).length).toBeGreaterThan(peerRows(first).length);
    } finally {
      tmux('kill-server');
    }
  });

  it('a two-hop ProxyJump chain goes hop by hop through sshd forwarding; the chain closes with the target', async () => {
    const [s0, s1] = lab.servers;
    // The lab's servers reach only themselves (no routes between them): the chain is s0, then s0 again
    // through it, then the target s0 through that; three sshd logins, two of them from s0 itself.
    // What the tests before left connected (watch's sessions) goes first: the kernel view below is this test's.
    await untilNoSshConnections(s0!, 'earlier connections to s0 to close');
    const log = `${lab.dir}/s0/sshd.log`;
    const logBefore = readFileSync(log, 'utf8').length;
    const chained = await cli.run([
      'server',
      'add',
      's0-chain',
      '--host',
      s0!.host,
      '--user',
      'root',
      '--identity',
      s0!.rootIdentityFile,
      '--jump',
      `root@${s0!.host}:22,${s0!.host}`,
    ]);
    expect(chained.stderr).toBe('');
    expect(chained.code).toBe(0);
    const logins = readFileSync(log, 'utf8')
      .slice(logBefore)
      .split('\n')
      .filter((line) => line.includes('Accepted publickey for root from '));
    expect(logins.filter((line) => line.includes(`from ${s0!.host} port`))).toHaveLength(2);
    expect(logins).toHaveLength(3);

    // Live, as the kernel sees it: the laptop's connection's sshd opened the second hop's, whose sshd
    // opened the target's. Stopping the engine closes the target and, with it, every hop.
    const engine = new Engine({ dataDir: cli.dataDir, userKnownHostsPath: null });
    try {
      await engine.start(['s0-chain']);
      await waitFor(engine, 's0-chain', (l) => l.state === 'connected', 30_000);
      expect(await sshChains(s0!)).toEqual([3]);
    } finally {
      engine.stop();
    }
    await untilNoSshConnections(s0!, 'every hop of the chain to close');

    // A hop that cannot reach the next one: the error names both, nothing is saved, nothing stays open.
    const broken = await cli.run([
      'server',
      'add',
      's1-broken-chain',
      '--host',
      s1!.host,
      '--user',
      'root',
      '--identity',
      s1!.rootIdentityFile,
      '--jump',
      `root@${s0!.host},root@${s1!.host}`,
    ]);
    expect(broken.code).toBe(3);
    expect(broken.stderr).toContain(
      `jump 2 of 2 (root@${s1!.host}:22): Cannot reach ${s1!.host}:22: jump 1 (root@${s0!.host}:22) could not open a tunnel`,
    );
    expect((await cli.run(['server', 'list'])).stdout).not.toContain('s1-broken-chain');
    await untilNoSshConnections(s0!, 'the first hop to close');
    // The shared data dir goes on as it was (later tests count its servers).
    expect((await cli.run(['server', 'remove', 's0-chain'])).code).toBe(0);
  });

  it('status --json equals wg show all dump and the kernel counters, field by field', async () => {
    for (const client of lab.clients) await lab.setTraffic(client.index, false);
    await new Promise((r) => setTimeout(r, 1000));
    const before = await Promise.all(lab.servers.map((_, i) => readTruth(lab, i)));
    const status = json(await cli.run(['status', '--server', 's0', '--server', 's1', '--json']));
    const after = await Promise.all(lab.servers.map((_, i) => readTruth(lab, i)));
    for (const client of lab.clients) await lab.setTraffic(client.index, true);
    expect(status.servers.map((s) => s.state)).toEqual(['connected', 'connected']);
    compareWithTruth(status.servers[0]!, before[0]!, after[0]!);
    compareWithTruth(status.servers[1]!, before[1]!, after[1]!);
    // No secret ever reaches the laptop.
    const config = readFileSync(lab.servers[0]!.interfaces[0]!.hostConfigPath, 'utf8');
    for (const secret of config.matchAll(/^(?:PrivateKey|PresharedKey)\s*=\s*(\S+)/gm)) {
      expect(JSON.stringify(status)).not.toContain(secret[1]);
    }
  });

  it('/metrics equals wg show all dump and /proc/net/dev, series by series, and passes promtool check metrics', async () => {
    const engine = new Engine({ dataDir: cli.dataDir, userKnownHostsPath: null, recordHistory: true });
    await engine.handlers['settings:update']({ metrics: { listen: '127.0.0.1:0', names: 'mdlayher' } });
    for (const client of lab.clients) await lab.setTraffic(client.index, false);
    try {
      await engine.start(['s0', 's1']);
      const url = engine.exporterStatus().metrics.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const up = async (): Promise<string> => {
        const deadline = Date.now() + 20_000;
        for (;;) {
          const text = await (await fetch(url!)).text();
          if (
            text.includes('wgdeck_server_up{server="s0"} 1') &&
            text.includes('wgdeck_server_up{server="s1"} 1')
          )
            return text;
          if (Date.now() > deadline) throw new Error(`servers not up in /metrics:\n${text.slice(0, 2000)}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      await up();
      const before = await Promise.all(lab.servers.map((_, i) => readTruth(lab, i)));
      // Wait for frames made after `before` (the servers' clocks are this machine's): the scrape then
      // reads the fleet as those frames left it, between the two readings.
      const readAt = Date.now() / 1000;
      await Promise.all(
        ['s0', 's1'].map((name) => waitFor(engine, name, (l) => (l.serverTime ?? 0) > readAt + 1, 15_000)),
      );
      const text = await up();
      const after = await Promise.all(lab.servers.map((_, i) => readTruth(lab, i)));
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(`${check.stdout}${check.stderr}`).toBe('');
      expect(check.status).toBe(0);
      const samples = parseExposition(text);
      const value = (name: string, labels: Record<string, string>): number | undefined =>
        samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
          ?.value;
      let peersChecked = 0;
      for (const [index, server] of ['s0', 's1'].entries()) {
        const a = after[index]!;
        const b = before[index]!;
        for (const line of a.dump.filter((f) => f.length === 5)) {
          const iface = line[0]!;
          const labels = { server, interface: iface };
          const counters = countersOf(a.netdev[iface]!);
          const countersBefore = countersOf(b.netdev[iface]!);
          for (const [name, metric] of Object.entries(COUNTER_METRICS)) {
            expectBetween(
              value(metric, labels),
              countersBefore[name]!,
              counters[name]!,
              `${server} ${iface} ${metric}`,
            );
          }
          const peers = a.dump.filter((f) => f.length === 9 && f[0] === iface);
          expect(value('wireguard_peers', labels)).toBe(peers.length);
          for (const peer of peers) {
            const key = peer[1]!;
            const was = b.dump.find((f) => f[0] === iface && f[1] === key)!;
            const at = { ...labels, public_key: key };
            expectBetween(
              value('wireguard_peer_receive_bytes_total', at),
              Number(was[6]),
              Number(peer[6]),
              'rx',
            );
            expectBetween(
              value('wireguard_peer_transmit_bytes_total', at),
              Number(was[7]),
              Number(peer[7]),
              'tx',
            );
            expectBetween(
              value('wireguard_peer_last_handshake_seconds', at),
              Number(was[5]),
              Number(peer[5]),
              'hs',
            );
            const info = samples.find(
              (s) => s.name === 'wireguard_peer_info' && s.labels['public_key'] === key,
            )!;
            expect(info.labels['allowed_ips'] ?? '').toBe(peer[4] === '(none)' ? '' : peer[4]);
            expect(info.labels['endpoint'] ?? '').toBe(peer[3] === '(none)' ? '' : peer[3]);
            peersChecked += 1;
          }
        }
      }
      expect(peersChecked).toBeGreaterThanOrEqual(8);
      // No secret ever reaches the endpoint either.
      const config = readFileSync(lab.servers[0]!.interfaces[0]!.hostConfigPath, 'utf8');
      for (const secret of config.matchAll(/^(?:PrivateKey|PresharedKey)\s*=\s*(\S+)/gm)) {
        expect(text).not.toContain(secret[1]);
      }
    } finally {
      for (const client of lab.clients) await lab.setTraffic(client.index, true);
      engine.stop();
      await engine.handlers['settings:update']({ metrics: { listen: null, names: 'mdlayher' } });
    }
  });

  it('wgdeck collect as its unit runs it: SIGTERM mid-push and a restart lose no sample and send none twice to VictoriaMetrics', async () => {
    const vm = await startVictoria();
    const proxy = await slowProxy(vm.url, 700);
    // The unit's state directory: the servers and trusted host keys, no history yet.
    const state = mkdtempSync(join(tmpdir(), 'wgdeck-state-'));
    const home = mkdtempSync(join(tmpdir(), 'wgdeck-home-'));
    for (const name of readdirSync(cli.dataDir))
      if (!/^history|^vm-buffer|\.lock$/.test(name))
        cpSync(join(cli.dataDir, name), join(state, name), { recursive: true });
    const args = ['--vm-url', proxy.url, '--log-format', 'json', '--log-polls'];
    const polls = (c: CollectorProcess, server: string) =>
      c.lines
        .filter((l) => l['msg'] === 'poll' && l['server'] === server)
        .map((l) => l['serverTime'] as number);
    const collectors: CollectorProcess[] = [];
    try {
      for (const server of ['s0', 's1']) {
        const edit = spawnSync(
          join(ROOT, 'bin', 'wgdeck'),
          ['--data-dir', state, 'server', 'edit', server, '--interval', '1'],
          {
            encoding: 'utf8',
          },
        );
        expect(edit.status, edit.stderr).toBe(0);
      }
      const first = startCollector(state, home, args);
      collectors.push(first);
      await untilTrue(
        () => polls(first, 's0').length >= 4 && polls(first, 's1').length >= 4,
        'four polls each',
        30_000,
      );
      await untilTrue(() => proxy.inFlight() > 0, 'a push in flight', 10_000);
      expect(await first.stop(), first.stderr()).toBe(0);
      expect(first.lines.at(0)).toMatchObject({
        msg: 'started',
        servers: expect.arrayContaining(['s0', 's1']) as unknown,
        push: proxy.url,
      });
      expect(first.lines.at(-1)).toMatchObject({ msg: 'stopped' });
      expect(first.stderr()).toBe('');

      const second = startCollector(state, home, args);
      collectors.push(second);
      await untilTrue(
        () => polls(second, 's0').length >= 3 && polls(second, 's1').length >= 3,
        'three more polls each',
        30_000,
      );
      expect(await second.stop(), second.stderr()).toBe(0);
      expect(second.lines.at(-1)).toMatchObject({ msg: 'stopped', backlogSamples: 0 });

      for (const server of ['s0', 's1']) {
        const logged = [...polls(first, server), ...polls(second, server)].map((t) => Math.round(t * 1000));
        const [series] = await vm.exportRaw(`wgdeck_server_time_seconds{server="${server}"}`);
        const pushed = series?.timestamps ?? [];
        // Every poll either collector logged is in VictoriaMetrics, once; nothing else is.
        expect(new Set(pushed).size, `${server}: a sample sent twice`).toBe(pushed.length);
        expect(
          [...pushed].sort((a, b) => a - b),
          server,
        ).toEqual([...logged].sort((a, b) => a - b));
        expect(series!.values.map((v) => Math.round(v * 1000))).toEqual(pushed);
      }
    } finally {
      for (const c of collectors) if (c.child.exitCode === null) c.child.kill('SIGKILL');
      await proxy.close();
      await vm.close();
    }
  });

  it("placement ranks a group by seed 001's formula from the metrics the engine read; a full server is not eligible", async () => {
    const ok = async (...args: string[]) => {
      const result = await cli.run(args);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      return result;
    };
    const status = json(await cli.run(['status', '--server', 's0', '--server', 's1', '--json']));
    const peersOn = (name: string) =>
      status.servers.find((s) => s.name === name)!.interfaces.reduce((n, i) => n + i.peers.length, 0);
    await ok('group', 'add', 'lab', '--region', 'lab-1', '--priority', '1');
    await ok('server', 'edit', 's0', '--group', 'lab', '--max-peers', '100', '--weight', '2');
    // s1 is exactly full: as many peers configured as its capacity.
    await ok('server', 'edit', 's1', '--group', 'lab', '--max-peers', String(peersOn('s1')));
    const ranking = JSON.parse((await ok('placement', '--group', 'lab', '--json')).stdout) as Placement;
    expect(ranking.chosen).toBe('s0');
    const [s0, s1] = ranking.servers;
    expect(s1).toMatchObject({
      name: 's1',
      eligible: false,
      reason: `full (${peersOn('s1')} of ${peersOn('s1')} peers)`,
    });
    // The parts, recomputed here from the figures it reports (read over SSH, two samples 1 s apart).
    expect(s0!.cpuPercent).not.toBeNull();
    expect(s0!.memoryPercent).not.toBeNull();
    const cpu = s0!.cpuPercent!;
    const mem = s0!.memoryPercent!;
    const cpuPenalty = cpu > 80 ? 0.5 : cpu > 60 ? 0.2 : cpu > 40 ? 0.05 : 0;
    const memoryPenalty = mem > 85 ? 0.4 : mem > 70 ? 0.15 : mem > 50 ? 0.05 : 0;
    expect(s0).toMatchObject({
      name: 's0',
      eligible: true,
      maxPeers: 100,
      weight: 2,
      totalPeers: peersOn('s0'),
    });
    expect(s0!.base).toBeCloseTo(s0!.activePeers / 100 / 2, 6);
    expect(s0!.cpuPenalty).toBe(cpuPenalty);
    expect(s0!.memoryPenalty).toBe(memoryPenalty);
    expect(s0!.score).toBeCloseTo(s0!.base! + cpuPenalty + memoryPenalty, 6);
    // Active = online by the status rule: the lab's client on s0 is online, its other peers never were.
    const online = status.servers
      .find((s) => s.name === 's0')!
      .interfaces.flatMap((i) => i.peers)
      .filter((p) => p.status === 'online').length;
    expect(s0!.activePeers).toBe(online);
    // The memory figure is the server's own: /proc/meminfo's MemTotal - MemAvailable, within 5 points.
    const meminfo = (await lab.exec(0, 'cat /proc/meminfo')).stdout;
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(meminfo)![1]);
    expect(Math.abs(mem - (1 - kib('MemAvailable') / kib('MemTotal')) * 100)).toBeLessThan(5);
    // Text: a row per server, the reason, and which server a new peer goes to.
    const text = (await ok('placement', '--group', 'lab')).stdout;
    expect(text).toMatch(/^s0 .* chosen/m);
    expect(text).toMatch(/^s1 .* not eligible$/m);
    expect(text).toContain(`s1: full (${peersOn('s1')} of ${peersOn('s1')} peers)`);
    expect(text).toMatch(/A new peer goes to s0: score/);
    // Made room on s1 (capacity raised), it becomes eligible again.
    await ok('server', 'edit', 's1', '--max-peers', '1000');
    const again = JSON.parse((await ok('placement', '--group', 'lab', '--json')).stdout) as Placement;
    expect(again.servers.every((s) => s.eligible)).toBe(true);
    // peer add --server auto puts the peer where placement says, and names the server.
    const added = await cli.run([
      'peer',
      'add',
      '--server',
      'auto',
      '--group',
      'lab',
      '--interface',
      'wg0',
      '--name',
      'placed',
      '--json',
    ]);
    expect(added.code, added.stderr).toBe(0);
    const chosen = again.chosen!;
    expect(added.stderr).toContain(`Placement chose ${chosen} in group lab: score`);
    const key = (JSON.parse(added.stdout) as { clients: { publicKey: string }[] }).clients[0]!.publicKey;
    const index = chosen === 's0' ? 0 : 1;
    expect((await lab.exec(index, 'wg show wg0 peers')).stdout).toContain(key);
    const removed = await cli.run([
      'peer',
      'remove',
      '--server',
      chosen,
      '--interface',
      'wg0',
      '--peer',
      key,
      '--yes',
    ]);
    expect(removed.code, removed.stderr).toBe(0);
    const nowhere = await cli.run([
      'peer',
      'add',
      '--server',
      's0',
      '--group',
      'lab',
      '--interface',
      'wg0',
      '--name',
      'x',
    ]);
    expect(nowhere.code).toBe(2);
  });

  it('a real client making traffic shows as a rate; a server change arrives within one interval + 1 s', async () => {
    const engine = new Engine({ dataDir: cli.dataDir, userKnownHostsPath: null });
    await engine.handlers['settings:update']({ intervalSeconds: 2 });
    try {
      await engine.start(['s0']);
      const client = lab.clients.find((c) => c.server === 0)!;
      const live = await waitFor(
        engine,
        's0',
        (l) =>
          (l.interfaces.find((i) => i.name === 'wg0')?.peers.find((p) => p.publicKey === client.publicKey)
            ?.rxRate ?? 0) > 0,
        3 * 2000 + 2000,
      );
      const peer = live.interfaces
        .find((i) => i.name === 'wg0')!
        .peers.find((p) => p.publicKey === client.publicKey)!;
      expect(peer.status).toBe('online');
      expect(peer.txRate).toBeGreaterThan(0);
      expect(live.interfaces.find((i) => i.name === 'wg0')!.rates.rxPackets).toBeGreaterThan(0);

      const key = (await lab.exec(0, 'wg genkey | wg pubkey')).stdout.trim();
      const changedAt = Date.now();
      await lab.exec(0, `wg set wg0 peer ${key} allowed-ips 198.18.128.250/32`);
      await waitFor(
        engine,
        's0',
        (l) => l.interfaces.some((i) => i.peers.some((p) => p.publicKey === key)),
        2000 + 1000,
      );
      expect(Date.now() - changedAt).toBeLessThanOrEqual(3000);
      await lab.exec(0, `wg set wg0 peer ${key} remove`);
    } finally {
      engine.stop();
    }
  });

  it('reconnects on its own after sshd is killed and restarted; the event log says when it went and came back', async () => {
    const engine = new Engine({ dataDir: cli.dataDir, userKnownHostsPath: null, recordHistory: true });
    let killedAt = 0;
    try {
      await engine.start(['s1']);
      await waitFor(engine, 's1', (l) => l.state === 'connected', 15_000);
      killedAt = Date.now() / 1000;
      await lab.killSshd(1);
      const down = await waitFor(engine, 's1', (l) => l.state === 'reconnecting', 45_000);
      expect(down.error).toBeTruthy();
      await new Promise((r) => setTimeout(r, 2000));
      await lab.startSshd(1);
      const back = await waitFor(
        engine,
        's1',
        (l) => l.state === 'connected' && l.interfaces.length === 2,
        60_000,
      );
      expect(back.error).toBeUndefined();
      // Read by another process (the CLI) while this one records: read-only, beside the writer.
      const log = await cli.run(['events', '--server', 's1', '--since', '10m', '--json']);
      expect(log.stderr).toBe('');
      const events = (JSON.parse(log.stdout) as { events: LoggedEvent[] }).events;
      const unreachable = events.filter((e) => e.type === 'server.unreachable' && e.at >= killedAt);
      const recovered = events.filter((e) => e.type === 'server.recovered' && e.at >= killedAt);
      expect(unreachable).toHaveLength(1);
      expect(recovered).toHaveLength(1);
      expect(unreachable[0]!.at - killedAt).toBeLessThan(30);
      expect(recovered[0]!.at).toBeGreaterThan(unreachable[0]!.at);
      expect(unreachable[0]!.details['error']).toBeTruthy();
      const text = (
        await cli.run(['events', '--server', 's1', '--type', 'server.recovered', '--since', '10m'])
      ).stdout;
      expect(text).toMatch(
        /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC {2}server\.recovered +s1 {2}downForSeconds=\d+$/m,
      );
    } finally {
      engine.stop();
    }
  });

  it('a client that stops answering fails its ping check once (one ping.failed), and ping.recovered when it answers', async () => {
    const engine = new Engine({ dataDir: cli.dataDir, userKnownHostsPath: null, recordHistory: true });
    const client = lab.clients[0]!;
    const server = `s${client.server}`;
    const settings = await engine.handlers['settings:get']();
    const peerOf = (live: ServerLive) =>
      live.interfaces
        .find((i) => i.name === client.interface)
        ?.peers.find((p) => p.publicKey === client.publicKey);
    const ignoreEcho = (on: boolean) =>
      lab.clientExec(client.index, `sysctl -qw net.ipv4.icmp_echo_ignore_all=${on ? 1 : 0}`);
    try {
      await engine.handlers['settings:update']({ ping: { intervalSeconds: 5, parallel: 10 } });
      const rule = await engine.handlers['alert:add']({
        kind: 'ping-loss',
        server,
        iface: client.interface,
        publicKey: client.publicKey,
        minutes: 0,
      });
      const alerts: string[] = [];
      engine.domainEvents.subscribe((e) => {
        if ((e.type === 'alert.fired' || e.type === 'alert.resolved') && e.rule === rule.id)
          alerts.push(e.type);
      });
      await engine.start([server]);
      // The server pings the client's tunnel address (its host entry in AllowedIPs), through the tunnel.
      const answering = await waitFor(engine, server, (l) => peerOf(l)?.ping?.ok === true, 45_000);
      expect(peerOf(answering)!.checkAddress).toBe(client.tunnelV4);
      expect(peerOf(answering)!.ping!.rttMs).toBeGreaterThan(0);
      const since = Date.now() / 1000 - 1;
      await ignoreEcho(true);
      await waitFor(engine, server, (l) => peerOf(l)?.ping?.failing === true, 60_000);
      // Two more rounds while it stays silent: still the one event.
      const failingAt = Date.now();
      await waitFor(engine, server, (l) => (peerOf(l)?.ping?.at ?? 0) * 1000 > failingAt + 6000, 40_000);
      // The ping-loss alert fired once, however many rounds stayed silent.
      expect(alerts).toEqual(['alert.fired']);
      await ignoreEcho(false);
      await waitFor(engine, server, (l) => peerOf(l)?.ping?.ok === true, 45_000);
      const resolvedBy = Date.now() + 20_000;
      while (alerts.length < 2 && Date.now() < resolvedBy) await new Promise((r) => setTimeout(r, 250));
      expect(alerts).toEqual(['alert.fired', 'alert.resolved']);
      await engine.handlers['alert:remove'](rule.id);
      const log = await cli.run(['events', '--server', server, '--since', '10m', '--json']);
      expect(log.stderr).toBe('');
      const events = (JSON.parse(log.stdout) as { events: LoggedEvent[] }).events.filter(
        (e) => e.at >= since && e.peer === client.publicKey && e.type.startsWith('ping.'),
      );
      expect(events.map((e) => e.type)).toEqual(['ping.recovered', 'ping.failed']);
      expect(events[1]!.details).toEqual({ address: client.tunnelV4 });
      const status = json(await cli.run(['status', '--server', server, '--json']));
      const row = status.servers[0]!.interfaces.find((i) => i.name === client.interface)!.peers.find(
        (p) => p.publicKey === client.publicKey,
      )!;
      expect(row.checkAddress).toBe(client.tunnelV4);
    } finally {
      await ignoreEcho(false);
      engine.stop();
      await new Engine({ dataDir: cli.dataDir, userKnownHostsPath: null }).handlers['settings:update']({
        ping: settings.ping,
      });
    }
  });

  it('a non-root user with sudo -n works; without NOPASSWD the error names the sudoers line', async () => {
    const [s0, s1] = lab.servers;
    const ok = await cli.run([
      'server',
      'add',
      'op0',
      '--host',
      s0!.host,
      '--user',
      s0!.operatorUser,
      '--identity',
      s0!.operatorIdentityFile,
      '--sudo',
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const viaSudo = json(await cli.run(['status', '--server', 'op0', '--json']));
    const asRoot = json(await cli.run(['status', '--server', 's0', '--json']));
    expect(viaSudo.servers[0]!.interfaces.map((i) => i.peers.map((p) => p.publicKey).sort())).toEqual(
      asRoot.servers[0]!.interfaces.map((i) => i.peers.map((p) => p.publicKey).sort()),
    );

    const denied = await cli.run([
      'server',
      'add',
      'op1',
      '--host',
      s1!.host,
      '--user',
      s1!.operatorUser,
      '--identity',
      s1!.operatorIdentityFile,
      '--sudo',
    ]);
    expect(denied.code).toBe(7);
    expect(denied.stderr).toContain(`${s1!.operatorUser} ALL=(root) NOPASSWD: /usr/bin/wg`);

    const noSudo = await cli.run([
      'server',
      'add',
      'op0-nosudo',
      '--host',
      s0!.host,
      '--user',
      s0!.operatorUser,
      '--identity',
      s0!.operatorIdentityFile,
    ]);
    expect(noSudo.code).toBe(8);
    expect(noSudo.stderr).toMatch(/sudo/i);
  });

  it('refuses a changed host key, and re-trusts it only deliberately with the compared fingerprint', async () => {
    const fresh = await lab.rotateHostKey(1);
    const refused = await cli.run(['status', '--server', 's1', '--json']);
    expect(refused.code).toBe(6);
    const state = JSON.parse(refused.stdout) as StatusJson;
    expect(state.servers[0]!.state).toBe('error');
    expect(state.servers[0]!.error).toContain(fresh);
    expect(state.servers[0]!.error).toMatch(/CHANGED/i);

    const wrong = await cli.run([
      'server',
      'trust',
      's1',
      '--replace',
      '--fingerprint',
      lab.servers[0]!.hostKeyFingerprint,
    ]);
    expect(wrong.code).toBe(6);
    const right = await cli.run(['server', 'trust', 's1', '--replace', '--fingerprint', fresh]);
    expect(right.stderr).toBe('');
    expect(right.code).toBe(0);
    expect((await cli.run(['status', '--server', 's1'])).code).toBe(0);
  });

  it('exit codes: unreachable 3, unknown server 2, bad input 2', async () => {
    const unreachable = await cli.run(
      ['server', 'add', 'nowhere', '--host', '127.0.0.1', '--port', '1', '--user', 'root', '--accept-new'],
      60_000,
    );
    expect(unreachable.code).toBe(3);
    expect((await cli.run(['status', '--server', 'no-such'])).code).toBe(2);
    const bad = await cli.run(['server', 'add', 'bad;name', '--host', 'x', '--accept-new']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('server name');
  });

  it('a server added with the CLI while an engine runs on the same data dir connects there within 10 s; removed, it goes', async () => {
    const s = lab.servers[0]!;
    const shared = cliSandbox();
    const engine = new Engine({ dataDir: shared.dataDir, userKnownHostsPath: null, recordHistory: true });
    await engine.start(); // as `wgdeck serve` and the app do: no server yet
    try {
      const added = await shared.run([
        'server',
        'add',
        'late',
        '--host',
        s.host,
        '--user',
        'root',
        '--identity',
        s.rootIdentityFile,
        '--accept-new',
      ]);
      expect(added.code, added.stderr).toBe(0);
      const connected = await waitFor(engine, 'late', (live) => live.state === 'connected', 10_000);
      expect(connected.interfaces.map((i) => i.name)).toEqual(['wg0', 'wg1']);

      const removed = new Promise<string>((resolve) => {
        const off = engine.subscribe('fleet:removed', ({ name }) => {
          off();
          resolve(name);
        });
      });
      expect((await shared.run(['server', 'remove', 'late'])).code).toBe(0);
      const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('still there'), 10_000));
      expect(await Promise.race([removed, timeout])).toBe('late');
      expect((await engine.handlers['fleet:state']()).map((live) => live.name)).toEqual([]);
    } finally {
      engine.stop();
    }
  }, 60_000);

  it('peer names: a sudo login reads them at connect only if sudo allows it without a password; remembered, they show before any connect', async () => {
    const s = lab.servers[0]!;
    const shared = cliSandbox();
    const sudoers = `/etc/sudoers.d/${s.operatorUser}`;
    const original = (await lab.exec(0, `cat ${sudoers}`)).stdout;
    // What sudo logs goes to a file too (the lab has no syslog): the auth log this must not write to.
    const sudoLog = '/run/wireguard/wgdeck-sudo.log';
    const setSudoers = async (text: string): Promise<void> => {
      const wrote = await lab.exec(0, `cat > ${sudoers} && rm -f ${sudoLog}`, { input: text });
      expect(wrote.code, wrote.stderr).toBe(0);
    };
    const wgOnly = `${original.replace(', /bin/sh', '')}Defaults logfile=${sudoLog}\n`;
    expect(wgOnly).not.toContain('/bin/sh');
    const conf = s.interfaces[0]!.configPath;
    const ofServer = (all: PeerNames[]): PeerNames[] =>
      all.filter((n) => n.server === 'names-op').sort((a, b) => a.iface.localeCompare(b.iface));
    const engineOn = (logs: string[] = []): Engine =>
      new Engine({ dataDir: shared.dataDir, userKnownHostsPath: null, log: (m) => logs.push(m) });
    try {
      // A peer named on the server by hand (the lab's files name the rest "lab client N", "random peer N").
      const named = await lab.exec(0, `sed -i 's/^# random peer 2$/# Name = named-by-hand/' ${conf}`);
      expect(named.code, named.stderr).toBe(0);
      await setSudoers(wgOnly);
      const added = await shared.run([
        'server',
        'add',
        'names-op',
        '--host',
        s.host,
        '--user',
        s.operatorUser,
        '--identity',
        s.operatorIdentityFile,
        '--sudo',
        '--accept-new',
      ]);
      expect(added.code, added.stderr).toBe(0);

      // NOPASSWD for wg only: the files are not read, nothing fails, sudo logged no refusal.
      const logs: string[] = [];
      const refused = engineOn(logs);
      await refused.start();
      try {
        await expect
          .poll(() => logs.join('\n'), { timeout: 30_000 })
          .toMatch(/names-op: sudo does not read the config files of wg0, wg1 without a password/);
        const [live] = await refused.handlers['fleet:state']();
        expect(live?.state).toBe('connected');
        expect(live?.error).toBeUndefined();
        expect(ofServer(await refused.handlers['peers:names']())).toEqual([]);
      } finally {
        refused.stop();
      }
      // Observed: `sudo -n -l`/`-ll` log nothing; only the collector's own `sudo -n wg` runs are there.
      const logged = (await lab.exec(0, `cat ${sudoLog} 2>/dev/null || true`)).stdout;
      expect(logged).not.toMatch(
        /password is required|not allowed|incorrect password|authentication failure/,
      );
      expect(logged).not.toContain('/bin/sh');
      expect(logged).toMatch(/COMMAND=\S*wg /); // the log file works: the collector's own sudo runs are there
      // ...and trying the read is what would have been logged: the check above can fail.
      const tried = await run('ssh', [...sshArgs(lab, s, 'operator'), 'sudo -n /bin/sh -c true']);
      expect(tried.code).not.toBe(0);
      expect((await lab.exec(0, `cat ${sudoLog}`)).stdout).toMatch(
        /password is required.*\n.*COMMAND=\/bin\/sh/,
      );

      // Allowed (the lab's usual rule: wg and /bin/sh): read once at connect, remembered.
      await setSudoers(original);
      const reading = engineOn();
      const learned = new Set<string>();
      reading.subscribe('peers:names', (n) => void (n.server === 'names-op' && learned.add(n.iface)));
      await reading.start();
      try {
        await expect.poll(() => [...learned].sort(), { timeout: 30_000 }).toEqual(['wg0', 'wg1']);
      } finally {
        reading.stop();
      }
      await reading.settled();
      const read = ofServer(await reading.handlers['peers:names']());
      const wg0 = s.interfaces[0]!;
      expect(Object.keys(read[0]!.names).sort()).toEqual(wg0.peers.map((p) => p.publicKey).sort());
      expect(Object.values(read[0]!.names)).toContain('named-by-hand');

      // A restarted engine on the same data dir knows them before connecting; `status --json` (which
      // never reads a config file) names the peers even where sudo cannot read the files any more.
      await setSudoers(wgOnly);
      const restarted = engineOn();
      expect(ofServer(await restarted.handlers['peers:names']())).toEqual(read);
      expect(await restarted.handlers['fleet:state']()).toEqual([]); // not started: nothing connected
      const status = json(await shared.run(['status', '--server', 'names-op', '--json']));
      const peers = status.servers[0]!.interfaces.find((i) => i.name === 'wg0')!.peers;
      expect(peers.map((p) => p.name).sort()).toEqual(Object.values(read[0]!.names).sort());

      // Removed, its names go from the data dir too.
      expect((await shared.run(['server', 'remove', 'names-op'])).code).toBe(0);
      expect(ofServer(await engineOn().handlers['peers:names']())).toEqual([]);
    } finally {
      await setSudoers(original);
    }
  }, 120_000);
});
