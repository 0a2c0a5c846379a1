// What the peer-management tests need from the lab, against real software: wg-quick (its userspace fallback
// through the lab's wireguard-go wrapper) as root and through sudo, clients brought up from config texts, and
// the packet-loss pinger.
import { readFile, readdir, stat } from 'node:fs/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLab } from '../../e2e/lab/lab.ts';
import type { Lab, LabServer } from '../../e2e/lab/lab.ts';
import { run, sleep, waitFor } from '../../e2e/lab/exec.ts';
import { wgKeyPairs, wgPresharedKeys } from '../../e2e/lab/keys.ts';
import { labNamespacesOf, listNamespaces } from '../../e2e/lab/netns.ts';
import { describeLab, parseDump, ssh } from './support.ts';
import type { DumpInterface } from './support.ts';

const NAME = 'lab-peers-infra';

/** PIDs of every process inside the lab's namespaces right now. */
async function labPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const ns of labNamespacesOf(await listNamespaces(), NAME)) {
    const out = (await run('ip', ['netns', 'pids', ns])).stdout;
    pids.push(...out.split(/\s+/).filter(Boolean).map(Number));
  }
  return pids;
}

async function alive(pid: number): Promise<boolean> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = text.slice(text.lastIndexOf(')') + 2).split(' ')[0];
  return text !== '' && state !== 'Z' && state !== 'X';
}

/** The client side of a client's veth: its endpoint is the server side, `198.18.0.(4c+1):port`; it is `.(4c+2)`. */
function veth(endpoint: string): string {
  const [a, b, c, d] = (endpoint.split(':')[0] ?? '').split('.');
  return `${a}.${b}.${c}.${Number(d) + 1}`;
}

/** Peers as `wg show all dump` reports their configuration (not their sessions). */
function configured(iface: DumpInterface | undefined): string[] {
  return (iface?.peers ?? [])
    .map((p) => `${p.publicKey} ${p.allowedIps.join(',')} psk=${p.presharedKey} ka=${p.keepalive}`)
    .sort();
}

describeLab('lab support for peer management', () => {
  let lab: Lab | undefined;
  const theLab = (): Lab => {
    if (!lab) throw new Error('lab did not start');
    return lab;
  };
  const server = (): LabServer => {
    const s = theLab().servers[0];
    if (!s) throw new Error('no server 0');
    return s;
  };
  /** wg0 of server 0 as the lab configured it. */
  let expected: string[] = [];

  const dump = async (): Promise<DumpInterface | undefined> =>
    parseDump((await theLab().exec(0, 'wg show all dump')).stdout).get('wg0');
  const ifindex = async (): Promise<string> =>
    (await theLab().exec(0, 'ip -o link show dev wg0')).stdout.split(':')[0] ?? '';

  /** After a wg-quick down/up: same peers, the config's addresses, and the routes to the clients intact. */
  const expectBackAsConfigured = async (): Promise<void> => {
    const l = theLab();
    expect(configured(await dump())).toEqual(expected);
    const iface = server().interfaces[0];
    const addrs = (await l.exec(0, 'ip -br addr show dev wg0')).stdout;
    expect(addrs).toContain(iface?.addressV4);
    expect(addrs).toContain(iface?.addressV6);
    // The clients' veths still route (wg-quick's Address and routes must not shadow them).
    for (const client of l.clients) {
      const clientSide = veth(client.endpoint);
      const ping = await l.exec(0, `ping -c 1 -W 1 ${clientSide}`);
      expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    }
    expect((await l.health()).ok).toBe(true);
  };

  beforeAll(async () => {
    const started = Date.now();
    lab = await startLab({ name: NAME, servers: 1, interfaces: 1, clients: 2, peers: 3 });
    console.info(`[lab-peers] up: ${Date.now() - started} ms`);
    expected = configured(await dump());
    expect(expected).toHaveLength(3);
    for (const client of lab.clients) {
      await waitFor(
        `client ${client.index} handshake`,
        async () =>
          Number(
            (await lab?.clientExec(client.index, 'wg show wg0 latest-handshakes'))?.stdout.split('\t')[1],
          ) > 0,
        10_000,
        50,
      );
    }
  });

  afterAll(async () => {
    await lab?.stop();
  });

  test('pinger: a clean run (no changes) loses nothing', async () => {
    const l = theLab();
    const pinger = await l.startPinger(0);
    expect(pinger.target).toBe(l.clients[0]?.pingTarget);
    await sleep(3_000);
    const stopping = Date.now();
    const result = await pinger.stop();
    console.info(
      `[lab-peers] clean pinger, 3 s: ${JSON.stringify(result)}, stop ${Date.now() - stopping} ms`,
    );
    expect(result.sent).toBeGreaterThanOrEqual(40); // 20/s, with room for a busy machine
    expect(result.sent).toBeLessThanOrEqual(62);
    expect(result.lost).toBe(0);
    expect(result.lostSequences).toEqual([]);
    expect(result.received).toBe(result.sent);
  });

  test('pinger: restartWireGuard during a run loses packets', async () => {
    const l = theLab();
    const pinger = await l.startPinger(0);
    await sleep(500);
    const started = Date.now();
    await l.restartWireGuard(0);
    const restartMs = Date.now() - started;
    await sleep(1_500);
    const result = await pinger.stop();
    console.info(
      `[lab-peers] restartWireGuard ${restartMs} ms; pinger: sent ${result.sent}, lost ${result.lost} (from #${result.lostSequences[0]})`,
    );
    // The restarted server has no session: the client's requests go unanswered until it re-handshakes
    // (WireGuard's rekey timeout, ~15 s), so everything after the restart is lost, nothing before it.
    expect(result.lost).toBeGreaterThan(10);
    expect(result.lostSequences[0]).toBeGreaterThan(3);
    expect(result.lostSequences.at(-1)).toBe(result.sent);
    expect(result.received + result.lost).toBe(result.sent);
    await expectBackAsConfigured();
  });

  test('root: wg-quick down/up through the lab`s exec and over ssh brings wg0 back as configured', async () => {
    const l = theLab();
    const before = await ifindex();
    const viaExec = await l.exec(0, 'wg-quick down wg0 && wg-quick up wg0');
    expect(viaExec.code, viaExec.stderr).toBe(0);
    expect(viaExec.stderr).toContain('Falling back to slow userspace implementation');
    const afterExec = await ifindex();
    expect(afterExec).not.toBe(before); // a new interface, not the old one left in place
    await expectBackAsConfigured();

    const started = Date.now();
    const viaSsh = await ssh(l, server(), 'root', 'wg-quick down wg0 && wg-quick up wg0');
    const sshMs = Date.now() - started;
    console.info(`[lab-peers] ssh root wg-quick down/up: ${sshMs} ms`);
    expect(viaSsh.code, viaSsh.stderr).toBe(0);
    expect(sshMs).toBeLessThan(5_000); // the detached wireguard-go does not hold the ssh channel open
    expect(await ifindex()).not.toBe(afterExec);
    await expectBackAsConfigured();
  });

  test('operator: sudo -n /bin/sh and sudo -n wg work; wg-quick down/up through sudo keeps the peers', async () => {
    const l = theLab();
    const s = server();
    const id = await ssh(l, s, 'operator', 'id -un; sudo -n /bin/sh -c id');
    expect(id.code, id.stderr).toBe(0);
    expect(id.stdout).toMatch(/^wgdeck-op\nuid=0\(root\)/);
    const wg = await ssh(l, s, 'operator', 'sudo -n wg show all dump');
    expect(wg.code, wg.stderr).toBe(0);
    expect(configured(parseDump(wg.stdout).get('wg0'))).toEqual(expected);

    const before = await ifindex();
    const started = Date.now();
    const restart = await ssh(l, s, 'operator', "sudo -n /bin/sh -c 'wg-quick down wg0 && wg-quick up wg0'");
    const sshMs = Date.now() - started;
    console.info(`[lab-peers] ssh operator sudo wg-quick down/up: ${sshMs} ms`);
    expect(restart.code, restart.stderr).toBe(0);
    expect(sshMs).toBeLessThan(5_000);
    expect(await ifindex()).not.toBe(before);
    await expectBackAsConfigured();
  });

  test('a client from a wg-quick config text handshakes and pings the server; removeClient removes it', async () => {
    const l = theLab();
    const s = server();
    const wg0 = s.interfaces[0];
    if (!wg0) throw new Error('no wg0');
    const [[subnet, full], [psk]] = await Promise.all([wgKeyPairs(2), wgPresharedKeys(1)]);
    if (!subnet || !full || !psk) throw new Error('no keys');
    // The server learns the peers live (what WG Deck does with `wg set`); 198.18.128.100+ are unused. The key
    // goes through `cat |`: exec's stdin is a socket, which /dev/stdin cannot open (ENXIO).
    const addPeer = await l.exec(
      0,
      `cat | wg set wg0 peer ${subnet.publicKey} preshared-key /dev/stdin allowed-ips 198.18.128.100/32,2001:2:0:1000::100/128 && ` +
        `wg set wg0 peer ${full.publicKey} allowed-ips 198.18.128.101/32,2001:2:0:1000::101/128`,
      { input: `${psk}\n` },
    );
    expect(addPeer.code, addPeer.stderr).toBe(0);
    const target = wg0.addressV4.split('/')[0] ?? '';
    const peerSection = `[Peer]\nPublicKey = ${wg0.publicKey}\nEndpoint = ${s.host}:${wg0.listenPort}\n`;

    const started = Date.now();
    const client = await l.addClientFromConfig(
      0,
      `[Interface]\nPrivateKey = ${subnet.privateKey}\nAddress = 198.18.128.100/32, 2001:2:0:1000::100/128\n\n` +
        `${peerSection}PresharedKey = ${psk}\nAllowedIPs = 198.18.128.0/24, 2001:2:0:1000::/64\nPersistentKeepalive = 25\n`,
    );
    console.info(`[lab-peers] addClientFromConfig: ${Date.now() - started} ms`);
    expect(client.namespace).toMatch(new RegExp(`^${NAME}-c\\d+$`));
    expect(client.interface).toBe('wg0');
    expect(client.pingTarget).toBe(target);
    const ping = await client.exec(`ping -c 3 -i 0.2 -W 2 ${target} && ping -6 -c 1 -W 2 2001:2:0:1000::1`);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    expect(ping.stdout).toContain('3 packets transmitted, 3 received');
    const handshake = Number((await client.exec('wg show wg0 latest-handshakes')).stdout.split('\t')[1]);
    expect(handshake).toBeGreaterThan(0);
    const seen = (await dump())?.peers.find((p) => p.publicKey === subnet.publicKey);
    expect(seen?.latestHandshake).toBeGreaterThan(0);
    expect(seen?.presharedKey).toBe(true);
    const pinger = await l.startPinger(client);
    await sleep(1_000);
    expect((await pinger.stop()).lost).toBe(0);

    // Full tunnel (wg-quick's fwmark + policy routing) and a DNS line (recorded, the host's resolver untouched).
    const tunnel = await l.addClientFromConfig(
      0,
      `[Interface]\nPrivateKey = ${full.privateKey}\nAddress = 198.18.128.101/32, 2001:2:0:1000::101/128\nDNS = ${target}\n\n` +
        `${peerSection}AllowedIPs = 0.0.0.0/0, ::/0\n`,
    );
    const viaDefault = await tunnel.exec(
      `ping -c 2 -i 0.2 -W 2 ${target} && ping -6 -c 1 -W 2 2001:2:0:1000::1`,
    );
    expect(viaDefault.code, viaDefault.stdout + viaDefault.stderr).toBe(0);
    expect((await l.health()).configClients).toEqual([
      { namespace: client.namespace, holder: true, wireguard: true },
      { namespace: tunnel.namespace, holder: true, wireguard: true },
    ]);

    await l.removeClient(client);
    await l.removeClient(tunnel);
    await l.removeClient(tunnel); // idempotent
    const namespaces = await listNamespaces();
    expect(namespaces).not.toContain(client.namespace);
    expect(namespaces).not.toContain(tunnel.namespace);
    expect((await l.exec(0, 'ip -br link')).stdout).not.toMatch(/^cl[2-9]/m); // their veths went too
    const health = await l.health();
    expect(health.ok).toBe(true);
    expect(health.configClients).toEqual([]);
  });

  test('stop() leaves nothing behind, also of wireguard-go processes wg-quick started', async () => {
    const l = theLab();
    // A config client left for stop() to remove, and wg0 last started by wg-quick (through the wrapper).
    const [keys] = await wgKeyPairs(1);
    const wg0 = server().interfaces[0];
    if (!keys || !wg0) throw new Error('setup');
    await l.addClientFromConfig(
      0,
      `[Interface]\nPrivateKey = ${keys.privateKey}\nAddress = 198.18.128.102/32\n\n[Peer]\nPublicKey = ${wg0.publicKey}\n` +
        `Endpoint = ${server().host}:${wg0.listenPort}\nAllowedIPs = 198.18.128.0/24\n`,
    );
    const pids = await labPids();
    expect(pids.length).toBeGreaterThan(0);
    const started = Date.now();
    await l.stop();
    console.info(`[lab-peers] stop: ${Date.now() - started} ms`);
    lab = undefined;
    expect(labNamespacesOf(await listNamespaces(), NAME)).toEqual([]);
    const living = (await Promise.all(pids.map(async (pid) => ((await alive(pid)) ? pid : 0)))).filter(
      Boolean,
    );
    expect(living).toEqual([]);
    const strays: string[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.includes(`${l.dir}/`)) strays.push(cmdline.replaceAll('\0', ' '));
    }
    expect(strays).toEqual([]);
    expect((await readFile('/proc/self/mountinfo', 'utf8')).includes(`${l.dir}/`)).toBe(false);
    expect(await stat(l.dir).catch(() => null)).toBeNull();
  });
});
