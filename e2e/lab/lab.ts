// The WG Deck real-server lab: N servers (network namespace + own mount namespace, wireguard-go, OpenSSH sshd)
// and K client namespaces per server making real WireGuard traffic. See e2e/lab/README.md.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { ensureGuardRoute } from './guard-route.ts';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import {
  isAlive,
  killTree,
  labEnv,
  run,
  runScript,
  signal,
  spawnDetached,
  terminate,
  waitFor,
} from './exec.ts';
import type { ExecResult, ProcRef, RunOptions } from './exec.ts';
import { addConfigClient, configClientHandle, removeConfigClient } from './config-client.ts';
import type { AddClientOptions, LabConfigClient } from './config-client.ts';
import { enter, enterArgs, startHolder } from './holder.ts';
import { startPinger } from './pinger.ts';
import type { Pinger, PingerOptions } from './pinger.ts';
import { findWireguard } from './wg-process.ts';
import { USERSPACE_VAR, wgQuickEnv, wgQuickTools, writeWgQuickTools } from './wg-userspace.ts';
import { sshFingerprint, sshKeygen, wgKeyPairs, wgPresharedKeys } from './keys.ts';
import type { WgKeyPair } from './keys.ts';
import {
  ALIAS_PREFIX,
  DEFAULT_LAB_NAME,
  claimSubnet,
  clientNamespace,
  labDir,
  readState,
  serverNamespace,
  teardownLab,
  validateLabName,
  writeState,
} from './netns.ts';
import { ensureLabPrerequisites, findCommand } from './prerequisites.ts';
import {
  OPERATOR_USER,
  checkHostSudoers,
  ensureOperatorUser,
  servedHostKey,
  sshdConfig,
  sshdFiles,
  startSshdProcess,
} from './sshd.ts';
import type {
  ClientRuntime,
  LabClient,
  LabInterface,
  LabOptions,
  LabPeer,
  LabServer,
  LabState,
  ServerRuntime,
  SudoMode,
} from './types.ts';

/** The host's root shell startup file, kept out of lab servers (see the server holder's binds). */
const HOST_ROOT_BASHRC = '/root/.bashrc';

export type { ExecResult, RunOptions } from './exec.ts';
export type { AddClientOptions, LabConfigClient } from './config-client.ts';
export type { Pinger, PingerOptions, PingResult } from './pinger.ts';
export type { LabClient, LabInterface, LabOptions, LabPeer, LabServer, SudoMode } from './types.ts';
export { ensureLabPrerequisites } from './prerequisites.ts';
export { DEFAULT_LAB_NAME, LAB_ROOT } from './netns.ts';
export { OPERATOR_USER } from './sshd.ts';

export interface Lab {
  readonly name: string;
  /** State dir: /run/wgdeck-lab/<name>. */
  readonly dir: string;
  /** The root-namespace subnet this instance claimed: '198.18.X.0/24'. */
  readonly subnet: string;
  /** known_hosts file with every server's current host key (kept up to date by rotateHostKey). */
  readonly knownHostsFile: string;
  readonly servers: LabServer[];
  readonly clients: LabClient[];
  /** Runs `sh -c command` inside the server's network + mount namespaces (as root). */
  exec(server: number, command: string, options?: RunOptions): Promise<ExecResult>;
  /** Runs `sh -c command` inside the client's network + mount namespaces. */
  clientExec(client: number, command: string, options?: RunOptions): Promise<ExecResult>;
  /** Kills the sshd listener and every session process of it: live SSH connections are cut. */
  killSshd(server: number): Promise<void>;
  /** Starts sshd again (no-op while it runs); resolves once it listens. */
  startSshd(server: number): Promise<void>;
  /** New host key, sshd restarted (SIGHUP: live sessions survive); resolves with the new 'SHA256:...' once served. */
  rotateHostKey(server: number): Promise<string>;
  /** Starts / stops the client's background ping through its tunnel. */
  setTraffic(client: number, on: boolean): Promise<void>;
  /**
   * Restarts one WireGuard interface of a server with the real `wg-quick down` (skipped when the interface is
   * already gone) and `wg-quick up`: the wireguard-go process ends (every session and counter is gone) and a new
   * one comes up from the interface's config file as it is now.
   */
  restartWireGuard(server: number, iface?: number): Promise<void>;
  /**
   * A new client namespace running `wg-quick up` on `configText` (e.g. a config WG Deck exported for a new peer;
   * its Endpoint is the server's SSH host and the interface's listen port), with a veth straight to `server`.
   * Not in `clients`; `removeClient` or `stop` removes it.
   */
  addClientFromConfig(
    server: number,
    configText: string,
    options?: AddClientOptions,
  ): Promise<LabConfigClient>;
  /** Removes a client made by addClientFromConfig (its processes, namespace and veth). Idempotent. */
  removeClient(client: LabConfigClient): Promise<void>;
  /**
   * Pings through the tunnel from a client (default 20/s to its pingTarget) and counts lost requests from
   * ping's own per-packet output. Independent of the background traffic of setTraffic.
   */
  startPinger(client: number | LabConfigClient, options?: PingerOptions): Promise<Pinger>;
  /** Which of the lab's processes are running. */
  health(): Promise<LabHealth>;
  /** Full teardown: processes, namespaces, links, mounts, state dir. Idempotent. */
  stop(): Promise<void>;
}

export interface LabHealth {
  /** Every holder, wireguard-go and sshd runs (pings are not counted: traffic can be off on purpose). */
  ok: boolean;
  servers: { holder: boolean; wireguard: boolean[]; sshd: boolean }[];
  clients: { holder: boolean; wireguard: boolean; traffic: boolean }[];
  configClients: { namespace: string; holder: boolean; wireguard: boolean }[];
}

const WG_BASE_PORT = 51820;
const KEEPALIVE = 25;
const MAX_SERVERS = 63; // root /30s in one /24
const MAX_CLIENTS_PER_SERVER = 63; // client /30s in 198.18.0.0/24
const MAX_INTERFACES = 16; // IPv6 subnet 1000+k*16+j
const TUNNEL_V4_SPACE = 32_768; // 198.18.128.0/17

interface Plan {
  name: string;
  dir: string;
  servers: number;
  interfaces: number;
  peers: number;
  clients: number;
  sudo: SudoMode[];
  traffic: boolean;
  idleKeepalive: boolean;
  /** Addresses per tunnel subnet (a power of two, at least 256). */
  blockSize: number;
  prefixV4: number;
}

function intOption(
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
  what: string,
): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`lab option ${what} must be an integer in ${min}..${max} (got ${n})`);
  return n;
}

function plan(options: LabOptions): Plan {
  const name = options.name ?? DEFAULT_LAB_NAME;
  validateLabName(name);
  const servers = intOption(options.servers, 2, 1, MAX_SERVERS, 'servers');
  const interfaces = intOption(options.interfaces, 1, 1, MAX_INTERFACES, 'interfaces');
  const clients = intOption(options.clients, 1, 0, MAX_CLIENTS_PER_SERVER, 'clients');
  const peers = intOption(options.peers, 3, 0, 60_000, 'peers');
  const sudo = Array.from({ length: servers }, (_, k) => options.sudo?.[k] ?? 'nopasswd');
  for (const mode of sudo)
    if (mode !== 'nopasswd' && mode !== 'password')
      throw new Error(`lab option sudo: unknown mode ${String(mode)}`);
  const hosts = Math.max(peers, clients) + 3; // network, server .1, peers from .2, broadcast
  let blockSize = 256;
  while (blockSize < hosts) blockSize *= 2;
  if (servers * interfaces * blockSize > TUNNEL_V4_SPACE) {
    throw new Error(
      `lab too big: ${servers} servers × ${interfaces} interfaces × /${32 - Math.log2(blockSize)} tunnel subnets exceed 198.18.128.0/17`,
    );
  }
  return {
    name,
    dir: labDir(name),
    servers,
    interfaces,
    peers,
    clients,
    sudo,
    traffic: options.traffic ?? true,
    idleKeepalive: options.idleKeepalive ?? true,
    blockSize,
    prefixV4: 32 - Math.log2(blockSize),
  };
}

const peersOn = (p: Plan, j: number): number => (j === 0 ? Math.max(p.peers, p.clients) : p.peers);

/** Host `host` of the tunnel subnet of server k, interface j. Host 1 is the server, peer i is host i+2. */
function tunnelV4(p: Plan, k: number, j: number, host: number): string {
  const offset = TUNNEL_V4_SPACE + (k * p.interfaces + j) * p.blockSize + host;
  return `198.18.${offset >> 8}.${offset & 255}`;
}

function tunnelV6Prefix(k: number, j: number): string {
  return `2001:2:0:${(0x1000 + k * 16 + j).toString(16)}`;
}

function tunnelV6(k: number, j: number, host: number): string {
  return `${tunnelV6Prefix(k, j)}::${host.toString(16)}`;
}

interface PeerSpec {
  publicKey: string;
  presharedKey?: string;
  allowedIps: string[];
  keepalive: number | null;
  endpoint?: string;
  comment?: string;
}

/** wg-quick style config (Address included) or `wg setconf` input (withAddress false). */
function wgConfig(
  iface: { privateKey: string; listenPort?: number; addresses: string[] },
  peers: readonly PeerSpec[],
  withAddress: boolean,
): string {
  const lines = ['[Interface]'];
  if (withAddress) lines.push(`Address = ${iface.addresses.join(', ')}`);
  if (iface.listenPort !== undefined) lines.push(`ListenPort = ${iface.listenPort}`);
  lines.push(`PrivateKey = ${iface.privateKey}`);
  for (const peer of peers) {
    lines.push('', '[Peer]');
    if (withAddress && peer.comment) lines.push(`# ${peer.comment}`);
    lines.push(`PublicKey = ${peer.publicKey}`);
    if (peer.presharedKey) lines.push(`PresharedKey = ${peer.presharedKey}`);
    lines.push(`AllowedIPs = ${peer.allowedIps.join(', ')}`);
    if (peer.endpoint) lines.push(`Endpoint = ${peer.endpoint}`);
    if (peer.keepalive !== null) lines.push(`PersistentKeepalive = ${peer.keepalive}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Starts `wireguard-go -f <ifname>` in the holder's namespaces; resolves once its control socket listens. */
async function startWireguard(
  holder: ProcRef,
  ifname: string,
  socketDir: string,
  logFile: string,
  record: (ref: ProcRef) => void,
): Promise<void> {
  const ref = await spawnDetached('nsenter', [...enterArgs(holder), 'wireguard-go', '-f', ifname], logFile);
  record(ref);
  await waitFor(
    `wireguard-go ${ifname} control socket`,
    async () => {
      if (await listens(`${socketDir}/${ifname}.sock`)) return true;
      if (!(await isAlive(ref))) throw new Error(`wireguard-go ${ifname} exited; see ${logFile}`);
      return false;
    },
    10_000,
  );
}

/** `wg-quick down` only when the interface exists (a crashed wireguard-go took it along), then `up`. */
const RESTART_SCRIPT =
  'if ip link show dev "$1" >/dev/null 2>&1; then wg-quick down "$1"; fi\nwg-quick up "$1"';

const CONFIGURE_SCRIPT =
  'wg setconf "$1" "$2"\nip addr add "$3" dev "$1"\nip -6 addr add "$4" dev "$1" nodad\nip link set "$1" up';

/**
 * Whether a unix socket accepts connections. Its file existing is not enough: it appears at bind(),
 * before listen(), and a `wg` run in between is refused, deletes the socket as stale and falls back to
 * the (absent) kernel module: "Unable to modify interface: Protocol not supported", and the lab's
 * wireguard-go is unreachable for good. Seen once in a few lab runs.
 */
function listens(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function startPing(holder: ProcRef, target: string): Promise<ProcRef> {
  return spawnDetached('nsenter', [...enterArgs(holder), 'ping', '-q', '-n', '-i', '0.2', target], null);
}

interface Shared {
  plan: Plan;
  state: LabState;
  x: number;
  rootIdentityFile: string;
  operatorIdentityFile: string;
  rootPublicKey: string;
  operatorPublicKey: string;
  wgPath: string;
}

interface ClientSecrets {
  keys: WgKeyPair;
  presharedKey: string | undefined;
  serverPublicKey: string;
}

async function startServer(sh: Shared, k: number): Promise<void> {
  const { plan: p, state } = sh;
  const ns = serverNamespace(p.name, k);
  const dir = `${p.dir}/s${k}`;
  const files = sshdFiles(dir);
  const wgRun = `${dir}/run-wireguard`;
  const wgEtc = `${dir}/etc-wireguard`;
  const sudoers = `${dir}/sudoers.d`;
  await mkdir(dir, { mode: 0o755 });
  await Promise.all([
    mkdir(wgRun, { mode: 0o755 }),
    mkdir(wgEtc, { mode: 0o700 }),
    mkdir(sudoers, { mode: 0o755 }),
    mkdir(files.authorizedKeysDir, { mode: 0o755 }),
  ]);
  await chmod(sudoers, 0o755);
  await chmod(files.authorizedKeysDir, 0o755);

  // Keys: interface keys, the clients' keys, random peers' keys, preshared keys, the sshd host key.
  const clientIndexes = Array.from({ length: p.clients }, (_, c) => k * p.clients + c);
  const pskCount = (n: number): number => Math.ceil(n / 3); // peers 0, 3, 6... have a preshared key
  const [ifaceKeys, clientKeys, hostKeyLine, randomKeys, psks] = await Promise.all([
    wgKeyPairs(p.interfaces),
    wgKeyPairs(p.clients),
    sshKeygen(files.hostKey, `lab-s${k}@${p.name}`),
    Promise.all(
      Array.from({ length: p.interfaces }, (_, j) => wgKeyPairs(peersOn(p, j) - (j === 0 ? p.clients : 0))),
    ),
    Promise.all(Array.from({ length: p.interfaces }, (_, j) => wgPresharedKeys(pskCount(peersOn(p, j))))),
  ]);
  const fingerprint = await sshFingerprint(`${files.hostKey}.pub`);
  const host = `198.18.${sh.x}.${4 * k + 2}`;

  const clientSecrets: ClientSecrets[] = [];
  const interfaces: LabInterface[] = [];
  const setconfFiles: string[] = [];
  for (let j = 0; j < p.interfaces; j++) {
    const ifname = `wg${j}`;
    const keys = ifaceKeys[j];
    if (!keys) throw new Error('missing interface key');
    const count = peersOn(p, j);
    const specs: PeerSpec[] = [];
    const peers: LabPeer[] = [];
    for (let i = 0; i < count; i++) {
      const isClient = j === 0 && i < p.clients;
      const peerKeys = isClient ? clientKeys[i] : randomKeys[j]?.[i - (j === 0 ? p.clients : 0)];
      if (!peerKeys) throw new Error('missing peer key');
      const presharedKey = i % 3 === 0 ? psks[j]?.[i / 3] : undefined;
      const keepalive = (i % 3 === 1 && (isClient || p.idleKeepalive)) || count === 1 ? KEEPALIVE : null;
      const allowedIps = [`${tunnelV4(p, k, j, i + 2)}/32`, `${tunnelV6(k, j, i + 2)}/128`];
      const client = isClient ? (clientIndexes[i] ?? null) : null;
      specs.push({
        publicKey: peerKeys.publicKey,
        presharedKey,
        allowedIps,
        keepalive,
        comment: client !== null ? `lab client ${client}` : `random peer ${i}`,
      });
      peers.push({
        publicKey: peerKeys.publicKey,
        allowedIps,
        presharedKey: presharedKey !== undefined,
        keepalive,
        client,
      });
      if (isClient) clientSecrets.push({ keys: peerKeys, presharedKey, serverPublicKey: keys.publicKey });
    }
    const addressV4 = `${tunnelV4(p, k, j, 1)}/${p.prefixV4}`;
    const addressV6 = `${tunnelV6(k, j, 1)}/64`;
    const iface = {
      privateKey: keys.privateKey,
      listenPort: WG_BASE_PORT + j,
      addresses: [addressV4, addressV6],
    };
    const hostConfigPath = `${wgEtc}/${ifname}.conf`;
    const setconf = `${dir}/${ifname}.setconf`;
    await writeFile(hostConfigPath, wgConfig(iface, specs, true), { mode: 0o600 });
    await writeFile(setconf, wgConfig(iface, specs, false), { mode: 0o600 });
    setconfFiles.push(setconf);
    interfaces.push({
      name: ifname,
      publicKey: keys.publicKey,
      listenPort: WG_BASE_PORT + j,
      addressV4,
      addressV6,
      configPath: `/etc/wireguard/${ifname}.conf`,
      hostConfigPath,
      peers,
    });
  }

  const sudo = p.sudo[k] ?? 'nopasswd';
  await writeFile(`${sudoers}/${OPERATOR_USER}`, sudoersFile(sudo, sh.wgPath), { mode: 0o440 });
  const tools = await writeWgQuickTools(dir);
  await writeFile(`${files.authorizedKeysDir}/root`, `${sh.rootPublicKey}\n`, { mode: 0o644 });
  await writeFile(`${files.authorizedKeysDir}/${OPERATOR_USER}`, `${sh.operatorPublicKey}\n`, {
    mode: 0o644,
  });
  await writeFile(
    files.config,
    sshdConfig(files, host, `WG Deck lab ${p.name}, server lab-s${k}`, { [USERSPACE_VAR]: tools.wrapper }),
    { mode: 0o644 },
  );

  const server: LabServer = {
    index: k,
    name: `lab-s${k}`,
    namespace: ns,
    host,
    port: 22,
    hostKeyFingerprint: fingerprint,
    hostKeyLine,
    knownHostsLine: `${host} ${keyPart(hostKeyLine)}`,
    rootIdentityFile: sh.rootIdentityFile,
    operatorUser: OPERATOR_USER,
    operatorIdentityFile: sh.operatorIdentityFile,
    sudo,
    interfaces,
  };
  state.servers[k] = server;

  // Network: namespace, veth to the root namespace (temporary name, renamed eth0 inside).
  const rootLink = `wgl${sh.x}s${k}`;
  state.namespaces.push(ns);
  state.rootLinks.push(rootLink);
  await runScript(
    [
      'ip netns add "$1"',
      'ip link add "$2" type veth peer name "$3" netns "$1"',
      'ip link set "$2" alias "$4"',
      'ip addr add "$5" dev "$2"',
      'ip link set "$2" up',
      'ip -n "$1" link set "$3" name eth0',
      'ip -n "$1" addr add "$6" dev eth0',
      'ip -n "$1" link set eth0 up',
      'ip -n "$1" link set lo up',
    ].join('\n'),
    [
      ns,
      rootLink,
      `wgt${sh.x}s${k}`,
      `${ALIAS_PREFIX}${p.name}:s${k}`,
      `198.18.${sh.x}.${4 * k + 1}/30`,
      `${host}/30`,
    ],
  );

  const holder = await startHolder(ns, [
    wgRun,
    '/run/wireguard',
    wgEtc,
    '/etc/wireguard',
    sudoers,
    '/etc/sudoers.d',
    // A lab server is a clean machine: bash runs root's ~/.bashrc for every ssh command, and the host's
    // may do slow or blocking work there (pyenv's rehash waits on a lock a killed session leaves).
    ...(existsSync(HOST_ROOT_BASHRC) ? ['/dev/null', HOST_ROOT_BASHRC] : []),
  ]);
  const runtime: ServerRuntime = { holder, wireguard: [], sshd: null };
  state.runtime.servers[k] = runtime;

  const sshdStarted = startSshdProcess(holder, files).then((ref) => {
    runtime.sshd = ref;
  });
  await Promise.all(
    interfaces.map(async (iface, j) => {
      await startWireguard(holder, iface.name, wgRun, `${dir}/${iface.name}.log`, (ref) =>
        runtime.wireguard.push(ref),
      );
      await runScript(
        CONFIGURE_SCRIPT,
        [iface.name, setconfFiles[j] ?? '', iface.addressV4, iface.addressV6],
        enter(holder),
      );
    }),
  );
  const wg0 = interfaces[0];
  await Promise.all([
    sshdStarted,
    ...clientSecrets.map((secrets, c) =>
      wg0 ? startClient(sh, k, c, k * p.clients + c, wg0, secrets) : Promise.resolve(),
    ),
  ]);
}

/**
 * The server's own /etc/sudoers.d/wgdeck-op. sudo resets the environment: keeping WG_QUICK_USERSPACE_IMPLEMENTATION
 * is what lets `sudo wg-quick up` find the lab's wireguard-go wrapper. Mode nopasswd: wg itself, and /bin/sh for
 * the peer changes WG Deck runs as `sudo -n /bin/sh -c '<script>' ...`; mode password: no rule at all.
 */
function sudoersFile(mode: SudoMode, wgPath: string): string {
  const lines = [`Defaults env_keep += "${USERSPACE_VAR}"`];
  if (mode === 'nopasswd') lines.push(`${OPERATOR_USER} ALL=(root) NOPASSWD: ${wgPath}, /bin/sh`);
  return `${lines.join('\n')}\n`;
}

function keyPart(pubLine: string): string {
  return pubLine.split(/\s+/).slice(0, 2).join(' ');
}

async function startClient(
  sh: Shared,
  k: number,
  c: number,
  g: number,
  wg0: LabInterface,
  secrets: ClientSecrets,
): Promise<void> {
  const { plan: p, state } = sh;
  const ns = clientNamespace(p.name, g);
  const dir = `${p.dir}/c${g}`;
  const wgRun = `${dir}/run-wireguard`;
  await mkdir(wgRun, { recursive: true, mode: 0o755 });
  const serverSide = `198.18.0.${4 * c + 1}`;
  const clientSide = `198.18.0.${4 * c + 2}`;
  const endpoint = `${serverSide}:${wg0.listenPort}`;
  const tunnel4 = tunnelV4(p, k, 0, c + 2);
  const tunnel6 = tunnelV6(k, 0, c + 2);
  const pingTarget = tunnelV4(p, k, 0, 1);
  const client: LabClient = {
    index: g,
    server: k,
    interface: wg0.name,
    namespace: ns,
    publicKey: secrets.keys.publicKey,
    tunnelV4: tunnel4,
    tunnelV6: tunnel6,
    endpoint,
    pingTarget,
    traffic: false,
  };
  state.clients[g] = client;

  state.namespaces.push(ns);
  await runScript(
    [
      'ip netns add "$1"',
      'ip -n "$2" link add "$3" type veth peer name eth0 netns "$1"',
      'ip -n "$2" addr add "$4" dev "$3"',
      'ip -n "$2" link set "$3" up',
      'ip -n "$1" addr add "$5" dev eth0',
      'ip -n "$1" link set eth0 up',
      'ip -n "$1" link set lo up',
    ].join('\n'),
    [ns, serverNamespace(p.name, k), `cl${c}`, `${serverSide}/30`, `${clientSide}/30`],
  );

  const holder = await startHolder(ns, [wgRun, '/run/wireguard']);
  const runtime: ClientRuntime = { holder, wireguard: null, ping: null };
  state.runtime.clients[g] = runtime;
  const setconf = `${dir}/wg0.setconf`;
  const peer: PeerSpec = {
    publicKey: secrets.serverPublicKey,
    presharedKey: secrets.presharedKey,
    allowedIps: [`${tunnelV4(p, k, 0, 0)}/${p.prefixV4}`, `${tunnelV6Prefix(k, 0)}::/64`],
    keepalive: null,
    endpoint,
  };
  await writeFile(setconf, wgConfig({ privateKey: secrets.keys.privateKey, addresses: [] }, [peer], false), {
    mode: 0o600,
  });
  await startWireguard(holder, 'wg0', wgRun, `${dir}/wg0.log`, (ref) => {
    runtime.wireguard = ref;
  });
  await runScript(
    CONFIGURE_SCRIPT,
    ['wg0', setconf, `${tunnel4}/${p.prefixV4}`, `${tunnel6}/64`],
    enter(holder),
  );
  if (p.traffic) {
    runtime.ping = await startPing(holder, pingTarget);
    client.traffic = true;
  }
}

/**
 * Brings up a lab (first removing leftovers of a lab with the same name). On failure everything it made is
 * torn down before the error is thrown.
 */
export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const p = plan(options);
  await ensureLabPrerequisites();
  await teardownLab(p.name, null);
  await ensureOperatorUser();
  if (p.sudo.includes('nopasswd')) await checkHostSudoers();
  await mkdir(p.dir, { recursive: true, mode: 0o755 });
  await chmod(p.dir, 0o755);
  const x = await claimSubnet(p.name);
  await ensureGuardRoute();
  const state: LabState = {
    version: 1,
    name: p.name,
    dir: p.dir,
    subnet: x,
    createdAt: new Date().toISOString(),
    knownHostsFile: `${p.dir}/known_hosts`,
    namespaces: [],
    rootLinks: [],
    servers: [],
    clients: [],
    runtime: {
      servers: Array.from({ length: p.servers }, () => null),
      clients: Array.from({ length: p.servers * p.clients }, () => null),
    },
  };
  try {
    await writeState(state);
    const keysDir = `${p.dir}/keys`;
    await mkdir(keysDir, { mode: 0o700 });
    await Promise.all(
      ['/run/wireguard', '/etc/wireguard', '/etc/sudoers.d'].map((d) => mkdir(d, { recursive: true })),
    );
    const [rootPublicKey, operatorPublicKey, wgPath] = await Promise.all([
      sshKeygen(`${keysDir}/id_root`, `root@${p.name}`),
      sshKeygen(`${keysDir}/id_operator`, `${OPERATOR_USER}@${p.name}`),
      findCommand('wg'),
    ]);
    const shared: Shared = {
      plan: p,
      state,
      x,
      rootIdentityFile: `${keysDir}/id_root`,
      operatorIdentityFile: `${keysDir}/id_operator`,
      rootPublicKey,
      operatorPublicKey,
      wgPath: wgPath ?? '/usr/bin/wg',
    };
    await Promise.all(Array.from({ length: p.servers }, (_, k) => startServer(shared, k)));
    await writeKnownHosts(state);
    await writeState(state);
    return new LabHandle(state);
  } catch (error) {
    try {
      await teardownLab(p.name, state);
    } catch (cleanupError) {
      throw new AggregateError(
        [error, cleanupError],
        `lab ${p.name} failed to start: ${(error as Error).message}`,
      );
    }
    throw error;
  }
}

async function writeKnownHosts(state: LabState): Promise<void> {
  await writeFile(state.knownHostsFile, state.servers.map((s) => `${s.knownHostsLine}\n`).join(''), {
    mode: 0o644,
  });
}

/** Attaches to a lab that is up (possibly started by another process), from its state.json. */
export async function openLab(name: string = DEFAULT_LAB_NAME): Promise<Lab> {
  validateLabName(name);
  const state = await readState(name);
  if (!state) throw new Error(`no lab named ${name} is up (no ${labDir(name)}/state.json)`);
  return new LabHandle(state);
}

/** Tears down lab `name` from its state.json (and any leftovers of it). Does nothing when there is none. */
export function stopLab(name: string = DEFAULT_LAB_NAME): Promise<void> {
  return teardownLab(name, null);
}

/**
 * OpenSSH client arguments (everything but the remote command) that connect to `server` as root or as the
 * operator user, checking the host key strictly against the lab's known_hosts file.
 */
export function sshArgs(
  lab: Pick<Lab, 'knownHostsFile'>,
  server: LabServer,
  user: 'root' | 'operator',
): string[] {
  return [
    '-F',
    '/dev/null',
    '-i',
    user === 'root' ? server.rootIdentityFile : server.operatorIdentityFile,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `UserKnownHostsFile=${lab.knownHostsFile}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=5',
    '-p',
    String(server.port),
    `${user === 'root' ? 'root' : server.operatorUser}@${server.host}`,
  ];
}

class LabHandle implements Lab {
  readonly name: string;
  readonly dir: string;
  readonly subnet: string;
  readonly knownHostsFile: string;
  readonly servers: LabServer[];
  readonly clients: LabClient[];
  private readonly state: LabState;
  private stopped = false;
  private configClientQueue: Promise<unknown> = Promise.resolve();

  constructor(state: LabState) {
    this.state = state;
    this.name = state.name;
    this.dir = state.dir;
    this.subnet = `198.18.${state.subnet}.0/24`;
    this.knownHostsFile = state.knownHostsFile;
    this.servers = state.servers;
    this.clients = state.clients;
  }

  private serverRuntime(server: number): ServerRuntime {
    const runtime = this.state.runtime.servers[server];
    if (this.stopped || !runtime) throw new Error(`lab ${this.name} has no running server ${server}`);
    return runtime;
  }

  private clientRuntime(client: number): ClientRuntime {
    const runtime = this.state.runtime.clients[client];
    if (this.stopped || !runtime) throw new Error(`lab ${this.name} has no running client ${client}`);
    return runtime;
  }

  /** What makes `wg-quick` work in server `server` (the same as its sshd sessions get). */
  private serverEnv(server: number): Record<string, string> {
    return wgQuickEnv(wgQuickTools(`${this.dir}/s${server}`), labEnv().PATH ?? '');
  }

  exec(server: number, command: string, options: RunOptions = {}): Promise<ExecResult> {
    return run('nsenter', [...enterArgs(this.serverRuntime(server).holder), 'sh', '-c', command], {
      ...options,
      env: { ...this.serverEnv(server), ...options.env },
    });
  }

  clientExec(client: number, command: string, options?: RunOptions): Promise<ExecResult> {
    return run('nsenter', [...enterArgs(this.clientRuntime(client).holder), 'sh', '-c', command], options);
  }

  async restartWireGuard(server: number, iface = 0): Promise<void> {
    const runtime = this.serverRuntime(server);
    const spec = this.state.servers[server]?.interfaces[iface];
    if (!spec) throw new Error(`lab ${this.name}: server ${server} has no interface ${iface}`);
    const env = Object.entries(this.serverEnv(server)).map(([name, value]) => `${name}=${value}`);
    await runScript(RESTART_SCRIPT, [spec.name], [...enter(runtime.holder), 'env', ...env]);
    const [ref] = await findWireguard([{ holder: runtime.holder, ifname: spec.name }]);
    if (!ref) throw new Error(`lab ${this.name}: no wireguard-go for ${spec.name} after wg-quick up`);
    runtime.wireguard[iface] = ref;
    await writeState(this.state);
  }

  addClientFromConfig(
    server: number,
    configText: string,
    options?: AddClientOptions,
  ): Promise<LabConfigClient> {
    this.serverRuntime(server); // throws when the lab is stopped or has no such server
    // One at a time: each picks the next free namespace index and veth slot from the state.
    const added = this.configClientQueue.then(async () =>
      configClientHandle(await addConfigClient(this.state, server, configText, options)),
    );
    this.configClientQueue = added.catch(() => undefined);
    return added;
  }

  removeClient(client: LabConfigClient): Promise<void> {
    const removed = this.configClientQueue.then(async () => {
      const record = this.state.configClients?.find((c) => c.namespace === client.namespace);
      if (record && !this.stopped) await removeConfigClient(this.state, record);
    });
    this.configClientQueue = removed.catch(() => undefined);
    return removed;
  }

  startPinger(client: number | LabConfigClient, options: PingerOptions = {}): Promise<Pinger> {
    let holder: ProcRef;
    let target: string | null;
    if (typeof client === 'number') {
      holder = this.clientRuntime(client).holder;
      target = this.clients[client]?.pingTarget ?? null;
    } else {
      const record = this.state.configClients?.find((c) => c.namespace === client.namespace);
      if (this.stopped || !record) throw new Error(`lab ${this.name} has no client ${client.namespace}`);
      holder = record.holder;
      target = record.pingTarget;
    }
    target = options.target ?? target;
    if (!target) throw new Error('startPinger: no target (the client has no default one)');
    return startPinger(enter(holder), target, options);
  }

  async killSshd(server: number): Promise<void> {
    const runtime = this.serverRuntime(server);
    if (runtime.sshd) await killTree(runtime.sshd);
    runtime.sshd = null;
    await writeState(this.state);
  }

  async startSshd(server: number): Promise<void> {
    const runtime = this.serverRuntime(server);
    if (runtime.sshd && (await isAlive(runtime.sshd))) return;
    runtime.sshd = await startSshdProcess(runtime.holder, sshdFiles(`${this.dir}/s${server}`));
    await writeState(this.state);
  }

  async rotateHostKey(server: number): Promise<string> {
    const runtime = this.serverRuntime(server);
    const target = this.servers[server];
    if (!target) throw new Error(`lab ${this.name} has no server ${server}`);
    const files = sshdFiles(`${this.dir}/s${server}`);
    const line = await sshKeygen(files.hostKey, `lab-s${server}@${this.name}`);
    target.hostKeyLine = line;
    target.hostKeyFingerprint = await sshFingerprint(`${files.hostKey}.pub`);
    target.knownHostsLine = `${target.host} ${keyPart(line)}`;
    await writeKnownHosts(this.state);
    await writeState(this.state);
    if (runtime.sshd && (await isAlive(runtime.sshd))) {
      await signal(runtime.sshd, 'SIGHUP'); // sshd re-executes itself and reloads its host keys
      await waitFor(
        `sshd on ${target.host} to serve its new host key`,
        async () => (await servedHostKey(target.host)) === keyPart(line),
        10_000,
        50,
      );
    }
    return target.hostKeyFingerprint;
  }

  async setTraffic(client: number, on: boolean): Promise<void> {
    const runtime = this.clientRuntime(client);
    const target = this.clients[client];
    if (!target) throw new Error(`lab ${this.name} has no client ${client}`);
    const running = runtime.ping !== null && (await isAlive(runtime.ping));
    if (on && !running) runtime.ping = await startPing(runtime.holder, target.pingTarget);
    if (!on && runtime.ping) {
      await terminate([runtime.ping], 'SIGTERM');
      runtime.ping = null;
    }
    target.traffic = on;
    await writeState(this.state);
  }

  async health(): Promise<LabHealth> {
    const alive = (ref: ProcRef | null | undefined): Promise<boolean> =>
      ref ? isAlive(ref) : Promise.resolve(false);
    const { runtime } = this.state;
    const configClients = this.state.configClients ?? [];
    // wireguard-go is looked up by interface and namespace, not by the PID the lab started: wg-quick down/up
    // over ssh replaces the process.
    const wanted = [
      ...runtime.servers.flatMap((rt, k) =>
        (this.servers[k]?.interfaces ?? []).map((iface) => ({ holder: rt?.holder, ifname: iface.name })),
      ),
      ...runtime.clients.map((rt) => ({ holder: rt?.holder, ifname: 'wg0' })),
      ...configClients.map((c) => ({ holder: c.holder, ifname: c.interface })),
    ];
    const found = (await findWireguard(wanted)).map((ref) => ref !== undefined);
    let next = 0;
    const take = (count: number): boolean[] => found.slice(next, (next += count));
    // Taken in `wanted` order, before anything is awaited.
    const serverWg = runtime.servers.map((_, k) => take(this.servers[k]?.interfaces.length ?? 0));
    const clientWg = runtime.clients.map(() => take(1)[0] ?? false);
    const configWg = configClients.map(() => take(1)[0] ?? false);
    const servers = await Promise.all(
      runtime.servers.map(async (rt, k) => ({
        holder: await alive(rt?.holder),
        wireguard: serverWg[k] ?? [],
        sshd: await alive(rt?.sshd),
      })),
    );
    const clients = await Promise.all(
      runtime.clients.map(async (rt, i) => ({
        holder: await alive(rt?.holder),
        wireguard: clientWg[i] ?? false,
        traffic: await alive(rt?.ping),
      })),
    );
    const configs = await Promise.all(
      configClients.map(async (c, i) => ({
        namespace: c.namespace,
        holder: await alive(c.holder),
        wireguard: configWg[i] ?? false,
      })),
    );
    const ok =
      !this.stopped &&
      servers.every((s) => s.holder && s.sshd && s.wireguard.every(Boolean)) &&
      clients.every((c) => c.holder && c.wireguard) &&
      configs.every((c) => c.holder && c.wireguard);
    return { ok, servers, clients, configClients: configs };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await teardownLab(this.name, this.state);
  }
}
