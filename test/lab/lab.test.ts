// The lab itself, against real software: wireguard-go, OpenSSH sshd and ssh, sudo, network namespaces.
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLab } from '../../e2e/lab/lab.ts';
import type { Lab, LabServer } from '../../e2e/lab/lab.ts';
import { run, sleep, waitFor } from '../../e2e/lab/exec.ts';
import { ALIAS_PREFIX, labNamespacesOf, listNamespaces, rootLinks } from '../../e2e/lab/netns.ts';
import { describeLab, parseDump, ssh, startSshSession } from './support.ts';

const MAIN = 'wgdlabtest';
const SECOND = 'wgdlabtest2';
const BIG = 'wgdlabbig';

/** PIDs of every process inside the lab's namespaces right now (to check later that they are gone). */
async function labPids(name: string): Promise<number[]> {
  const pids: number[] = [];
  for (const ns of labNamespacesOf(await listNamespaces(), name)) {
    const out = (await run('ip', ['netns', 'pids', ns])).stdout;
    pids.push(...out.split(/\s+/).filter(Boolean).map(Number));
  }
  return pids;
}

async function liveNonZombie(pid: number): Promise<boolean> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = text.slice(text.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Everything of lab `name` still on the machine: namespaces, root links, mounts, processes, its dir. */
async function leftovers(name: string, dir: string, pids: number[]): Promise<string[]> {
  const found: string[] = [];
  found.push(...labNamespacesOf(await listNamespaces(), name).map((ns) => `namespace ${ns}`));
  for (const link of await rootLinks()) {
    if (link.ifalias?.startsWith(`${ALIAS_PREFIX}${name}:`)) found.push(`link ${link.ifname}`);
  }
  const mounts = await readFile('/proc/self/mountinfo', 'utf8');
  found.push(
    ...mounts
      .split('\n')
      .filter((l) => l.includes(`${dir}/`) || l.includes(`/run/netns/${name}-`))
      .map((l) => `mount ${l}`),
  );
  for (const pid of pids) if (await liveNonZombie(pid)) found.push(`process ${pid}`);
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(`${dir}/`)) found.push(`process ${entry}: ${cmdline.replaceAll('\0', ' ')}`);
  }
  if (await stat(dir).catch(() => null)) found.push(`dir ${dir}`);
  return found;
}

function server(lab: Lab, k: number): LabServer {
  const s = lab.servers[k];
  if (!s) throw new Error(`no server ${k}`);
  return s;
}

describeLab('real-server lab', () => {
  let lab: Lab | undefined;
  let second: Lab | undefined;
  let big: Lab | undefined;
  let upMs = 0;
  let upAt = 0;
  let scratch = '';
  /** known_hosts built by the test from each server's hostKeyLine. */
  let knownHosts = '';

  const theLab = (): Lab => {
    if (!lab) throw new Error('lab did not start');
    return lab;
  };

  beforeAll(async () => {
    scratch = await mkdtemp(`${tmpdir()}/wgdlab-test-`);
    const started = Date.now();
    lab = await startLab({
      name: MAIN,
      servers: 2,
      interfaces: 2,
      clients: 2,
      peers: 3,
      sudo: ['nopasswd', 'password'],
    });
    upAt = Date.now();
    upMs = upAt - started;
    console.info(`[lab] up: 2 servers × 2 interfaces × 3 peers, 2 clients per server: ${upMs} ms`);
    knownHosts = `${scratch}/known_hosts`;
    await writeFile(knownHosts, lab.servers.map((s) => `${s.host} ${s.hostKeyLine}\n`).join(''));
  });

  afterAll(async () => {
    const errors: unknown[] = [];
    for (const l of [big, second, lab]) {
      try {
        await l?.stop();
      } catch (error) {
        errors.push(error);
      }
    }
    if (scratch) await rm(scratch, { recursive: true, force: true });
    if (errors.length > 0) throw new AggregateError(errors, 'lab teardown failed');
  });

  test('describes what it built', () => {
    const l = theLab();
    expect(l.servers).toHaveLength(2);
    expect(l.clients).toHaveLength(4);
    expect(l.subnet).toMatch(/^198\.18\.(\d+)\.0\/24$/);
    for (const s of l.servers) {
      expect(s.host).toMatch(/^198\.18\.\d+\.\d+$/);
      expect(s.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      expect(s.hostKeyLine).toMatch(/^ssh-ed25519 AAAA/);
      expect(s.interfaces.map((i) => i.name)).toEqual(['wg0', 'wg1']);
      expect(new Set(s.interfaces.map((i) => i.listenPort)).size).toBe(2);
      for (const iface of s.interfaces) {
        expect(iface.peers).toHaveLength(3);
        expect(iface.peers.some((p) => p.presharedKey)).toBe(true);
        expect(iface.peers.some((p) => p.keepalive !== null)).toBe(true);
      }
      expect(s.interfaces[0]?.peers.slice(0, 2).every((p) => p.client !== null)).toBe(true);
    }
    expect(l.servers.map((s) => s.sudo)).toEqual(['nopasswd', 'password']);
  });

  test('root over ssh: wg show all dump returns both interfaces and the configured peers', async () => {
    const l = theLab();
    for (const s of l.servers) {
      const result = await ssh(l, s, 'root', 'wg show all dump', knownHosts);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const dump = parseDump(result.stdout);
      expect([...dump.keys()]).toEqual(['wg0', 'wg1']);
      for (const iface of s.interfaces) {
        const live = dump.get(iface.name);
        expect(live?.publicKey).toBe(iface.publicKey);
        expect(live?.listenPort).toBe(iface.listenPort);
        expect(live?.peers.map((p) => p.publicKey).sort()).toEqual(
          iface.peers.map((p) => p.publicKey).sort(),
        );
        for (const peer of iface.peers) {
          const livePeer = live?.peers.find((p) => p.publicKey === peer.publicKey);
          expect(livePeer?.allowedIps).toEqual(peer.allowedIps);
          expect(livePeer?.presharedKey).toBe(peer.presharedKey);
          expect(livePeer?.keepalive).toBe(peer.keepalive === null ? 'off' : String(peer.keepalive));
        }
      }
      // The config file on the server matches.
      const conf = await ssh(l, s, 'root', `cat ${s.interfaces[0]?.configPath ?? ''}`, knownHosts);
      expect(conf.stdout).toContain(
        `Address = ${s.interfaces[0]?.addressV4 ?? ''}, ${s.interfaces[0]?.addressV6 ?? ''}`,
      );
    }
  });

  test('clients handshake within 10 s of up and their counters grow', async () => {
    const l = theLab();
    for (const client of l.clients) {
      const handshake = await waitFor(
        `client ${client.index} handshake`,
        async () => {
          const out = (await l.clientExec(client.index, 'wg show wg0 latest-handshakes')).stdout;
          const seconds = Number(out.trim().split('\t')[1] ?? 0);
          return seconds > 0 ? Date.now() : false;
        },
        10_000,
        100,
      );
      expect(handshake - upAt).toBeLessThan(10_000);
    }
    const transfer = async (): Promise<number[]> => {
      const values: number[] = [];
      for (const client of l.clients) {
        const [rx, tx] = (await l.clientExec(client.index, 'wg show wg0 transfer')).stdout
          .trim()
          .split('\t')
          .slice(1)
          .map(Number);
        values.push(rx ?? 0, tx ?? 0);
      }
      return values;
    };
    const before = await transfer();
    await sleep(1_200);
    const after = await transfer();
    after.forEach((value, i) => expect(value).toBeGreaterThan(before[i] ?? Infinity));
    // The server sees the same peers with a handshake and traffic.
    const dump = parseDump((await l.exec(0, 'wg show all dump')).stdout);
    for (const client of l.clients.filter((c) => c.server === 0)) {
      const peer = dump.get('wg0')?.peers.find((p) => p.publicKey === client.publicKey);
      expect(peer?.latestHandshake).toBeGreaterThan(0);
      expect(peer?.rx).toBeGreaterThan(0);
    }
  });

  test('setTraffic stops and restarts a client`s ping', async () => {
    const l = theLab();
    const tx = async (): Promise<number> =>
      Number((await l.clientExec(0, 'wg show wg0 transfer')).stdout.trim().split('\t')[2]);
    await l.setTraffic(0, false);
    expect(l.clients[0]?.traffic).toBe(false);
    await sleep(300);
    const a = await tx();
    await sleep(800);
    expect(await tx()).toBe(a);
    await l.setTraffic(0, true);
    expect(l.clients[0]?.traffic).toBe(true);
    await waitFor('traffic to resume', async () => (await tx()) > a, 3_000, 100);
  });

  test('exec runs inside the server namespaces, with private /etc/wireguard and /var/run/wireguard', async () => {
    const l = theLab();
    const r = await l.exec(1, 'ls /var/run/wireguard; ls /etc/wireguard; ip -br addr show eth0');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wg0.sock');
    expect(r.stdout).toContain('wg1.sock');
    expect(r.stdout).toContain('wg1.conf');
    expect(r.stdout).toContain(server(l, 1).host);
    const other = await l.exec(0, 'wg show interfaces');
    expect(other.stdout.trim()).toBe('wg0 wg1');
  });

  test('operator: sudo -n wg works on the nopasswd server, needs a password on the other', async () => {
    const l = theLab();
    const ok = await ssh(l, server(l, 0), 'operator', 'id -un; sudo -n wg show all dump', knownHosts);
    expect(ok.code).toBe(0);
    expect(ok.stdout.split('\n')[0]).toBe('wgdeck-op');
    expect([...parseDump(ok.stdout.split('\n').slice(1).join('\n')).keys()]).toEqual(['wg0', 'wg1']);
    const denied = await ssh(l, server(l, 1), 'operator', 'sudo -n wg show all dump', knownHosts);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('a password is required');
    // The host's own sudoers.d is untouched.
    const host = await readdir('/etc/sudoers.d');
    expect(host).not.toContain('wgdeck-op');
  });

  test('killSshd cuts a live session; startSshd lets a new one in', async () => {
    const l = theLab();
    const s = server(l, 0);
    const session = await startSshSession(l, s, 'root', 'echo started; sleep 60', 'started');
    try {
      const killedAt = Date.now();
      await l.killSshd(0);
      const code = await Promise.race([session.exited, sleep(10_000).then(() => 'still running' as const)]);
      expect(code).toBe(255);
      expect(Date.now() - killedAt).toBeLessThan(10_000);
      const refused = await ssh(l, s, 'root', 'true', knownHosts, 10_000);
      expect(refused.code).toBe(255);
      await l.startSshd(0);
      const again = await ssh(l, s, 'root', 'echo back', knownHosts);
      expect(again.stdout.trim()).toBe('back');
      expect((await l.health()).ok).toBe(true);
    } finally {
      session.kill();
    }
  });

  test('rotateHostKey changes the fingerprint; the old known_hosts is refused', async () => {
    const l = theLab();
    const s = server(l, 1);
    const before = s.hostKeyFingerprint;
    const after = await l.rotateHostKey(1);
    expect(after).toMatch(/^SHA256:/);
    expect(after).not.toBe(before);
    expect(s.hostKeyFingerprint).toBe(after);
    const printed = (await run('ssh-keygen', ['-lf', '-'], { input: s.hostKeyLine })).stdout.split(' ')[1];
    expect(printed).toBe(after);
    const stale = await ssh(l, s, 'root', 'true', knownHosts);
    expect(stale.code).toBe(255);
    expect(stale.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    const fresh = await ssh(l, s, 'root', 'echo ok'); // lab.knownHostsFile is kept up to date
    expect(fresh.stdout.trim()).toBe('ok');
  });

  test('two labs with different names run at the same time', async () => {
    const l = theLab();
    second = await startLab({ name: SECOND, servers: 1, interfaces: 1, clients: 1, peers: 2 });
    expect(second.subnet).not.toBe(l.subnet);
    const a = await ssh(l, server(l, 0), 'root', 'wg show interfaces');
    const b = await ssh(second, server(second, 0), 'root', 'wg show interfaces');
    expect(a.stdout.trim()).toBe('wg0 wg1');
    expect(b.stdout.trim()).toBe('wg0');
    await waitFor(
      'second lab handshake',
      async () =>
        Number(
          (await second?.clientExec(0, 'wg show wg0 latest-handshakes'))?.stdout.trim().split('\t')[1] ?? 0,
        ) > 0,
      10_000,
      100,
    );
    // Stopping one leaves the other intact.
    const pids = await labPids(SECOND);
    await second.stop();
    await second.stop(); // idempotent
    expect(await leftovers(SECOND, second.dir, pids)).toEqual([]);
    second = undefined;
    expect((await l.health()).ok).toBe(true);
    expect((await ssh(l, server(l, 1), 'root', 'echo still')).stdout.trim()).toBe('still');
  });

  test('after stop() nothing of the lab remains', async () => {
    const l = theLab();
    const pids = await labPids(MAIN);
    expect(pids.length).toBeGreaterThan(0);
    await l.stop();
    expect(await leftovers(MAIN, l.dir, pids)).toEqual([]);
    lab = undefined;
  });

  test('up of 3 servers × 1,000 peers', async () => {
    const started = Date.now();
    big = await startLab({
      name: BIG,
      servers: 3,
      interfaces: 1,
      clients: 1,
      peers: 1_000,
      idleKeepalive: false,
    });
    const ms = Date.now() - started;
    console.info(
      `[lab] up: 3 servers × 1,000 peers, 1 client per server: ${ms} ms (2 servers × 2 clients: ${upMs} ms)`,
    );
    for (const s of big.servers) {
      const dump = parseDump((await ssh(big, s, 'root', 'wg show all dump')).stdout);
      expect(dump.get('wg0')?.peers).toHaveLength(1_000);
    }
    const pids = await labPids(BIG);
    await big.stop();
    expect(await leftovers(BIG, big.dir, pids)).toEqual([]);
    big = undefined;
  });
});
