// The WG Deck real-server lab: N servers (network namespace + own mount namespace, wireguard-go, OpenSSH sshd)
// and K client namespaces per server making real WireGuard traffic. See e2e/lab/README.md.
import { ensureGuardRoute } from './guard-route.ts';
import { access, chmod, mkdir, writeFile } from 'node:fs/promises';
import {
  isAlive,
  killTree,
  run,
  runScript,
  signal,
  spawnDetached,
  spawnDetachedUntil,
  terminate,
  waitFor,
} from './exec.ts';
import type { ExecResult, ProcRef, RunOptions } from './exec.ts';
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

export type { ExecResult, RunOptions } from './exec.ts';
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
   * Restarts one WireGuard interface of a server as `wg-quick down/up` would: the wireguard-go process
   * ends (every session and counter is gone) and a new one comes up with the same configuration.
   */
  restartWireGuard(server: number, iface?: number): Promise<void>;
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

const HOLDER_SCRIPT =
  'while [ "$#" -ge 2 ]; do mount --bind "$1" "$2"; shift 2; done\necho ready\nexec sleep infinity';

/**
 * A long-lived process in namespace `ns` with its own mount namespace (slave propagation, so namespaces deleted
 * in the root namespace disappear from it too), in which `binds` (pairs: host dir, mount point) are mounted.
 * Everything else enters it with `nsenter -t <pid> -n -m`.
 */
function startHolder(ns: string, binds: readonly string[]): Promise<ProcRef> {
  return spawnDetachedUntil(
    'ip',
    [
      'netns',
      'exec',
      ns,
      'unshare',
      '-m',
      '--propagation',
      'slave',
      'sh',
      '-ec',
      HOLDER_SCRIPT,
      'sh',
      ...binds,
    ],
    'ready',
  );
}

/** nsenter arguments that enter a holder's network and mount namespaces. */
const enterArgs = (holder: ProcRef): string[] => ['-t', String(holder.pid), '-n', '-m'];
const enter = (holder: ProcRef): string[] => ['nsenter', ...enterArgs(holder)];

/** Starts `wireguard-go -f <ifname>` in the holder's namespaces; resolves once its control socket exists. */
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
      if (await exists(`${socketDir}/${ifname}.sock`)) return true;
      if (!(await isAlive(ref))) throw new Error(`wireguard-go ${ifname} exited; see ${logFile}`);
      return false;
    },
    10_000,
  );
}

const CONFIGURE_SCRIPT =
  'wg setconf "$1" "$2"\nip addr add "$3" dev "$1"\nip -6 addr add "$4" dev "$1" nodad\nip link set "$1" up';

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
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
      const keepalive = i % 3 === 1 || count === 1 ? KEEPALIVE : null;
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
  if (sudo === 'nopasswd') {
    await writeFile(`${sudoers}/${OPERATOR_USER}`, `${OPERATOR_USER} ALL=(root) NOPASSWD: ${sh.wgPath}\n`, {
      mode: 0o440,
    });
  }
  await writeFile(`${files.authorizedKeysDir}/root`, `${sh.rootPublicKey}\n`, { mode: 0o644 });
  await writeFile(`${files.authorizedKeysDir}/${OPERATOR_USER}`, `${sh.operatorPublicKey}\n`, {
    mode: 0o644,
  });
  await writeFile(files.config, sshdConfig(files, host, `WG Deck lab ${p.name}, server lab-s${k}`), {
    mode: 0o644,
  });

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

  exec(server: number, command: string, options?: RunOptions): Promise<ExecResult> {
    return run('nsenter', [...enterArgs(this.serverRuntime(server).holder), 'sh', '-c', command], options);
  }

  clientExec(client: number, command: string, options?: RunOptions): Promise<ExecResult> {
    return run('nsenter', [...enterArgs(this.clientRuntime(client).holder), 'sh', '-c', command], options);
  }

  async restartWireGuard(server: number, iface = 0): Promise<void> {
    const runtime = this.serverRuntime(server);
    const spec = this.state.servers[server]?.interfaces[iface];
    if (!spec) throw new Error(`lab ${this.name}: server ${server} has no interface ${iface}`);
    const dir = `${this.state.dir}/s${server}`;
    const old = runtime.wireguard[iface];
    if (old) await killTree(old);
    await waitFor(
      `wireguard-go ${spec.name} gone`,
      async () => !(await exists(`${dir}/run-wireguard/${spec.name}.sock`)),
      10_000,
    );
    await startWireguard(
      runtime.holder,
      spec.name,
      `${dir}/run-wireguard`,
      `${dir}/${spec.name}.log`,
      (ref) => {
        runtime.wireguard[iface] = ref;
      },
    );
    await runScript(
      CONFIGURE_SCRIPT,
      [spec.name, `${dir}/${spec.name}.setconf`, spec.addressV4, spec.addressV6],
      enter(runtime.holder),
    );
    await writeState(this.state);
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
    const servers = await Promise.all(
      this.state.runtime.servers.map(async (rt) => ({
        holder: await alive(rt?.holder),
        wireguard: await Promise.all((rt?.wireguard ?? []).map((ref) => alive(ref))),
        sshd: await alive(rt?.sshd),
      })),
    );
    const clients = await Promise.all(
      this.state.runtime.clients.map(async (rt) => ({
        holder: await alive(rt?.holder),
        wireguard: await alive(rt?.wireguard),
        traffic: await alive(rt?.ping),
      })),
    );
    const ok =
      !this.stopped &&
      servers.every(
        (s, k) =>
          s.holder &&
          s.sshd &&
          s.wireguard.length === (this.servers[k]?.interfaces.length ?? -1) &&
          s.wireguard.every(Boolean),
      ) &&
      clients.every((c) => c.holder && c.wireguard);
    return { ok, servers, clients };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await teardownLab(this.name, this.state);
  }
}
