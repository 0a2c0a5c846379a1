// A lab client made from a wg-quick config text (what WG Deck exports for a new peer), brought up with the real
// `wg-quick up` in its own namespace: proves an exported config works end to end.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { labEnv, run, runScript, terminate, waitFor } from './exec.ts';
import type { ExecResult, RunOptions } from './exec.ts';
import { enterArgs, startHolder } from './holder.ts';
import { clientNamespace, listNamespaces, namespacePids, writeState } from './netns.ts';
import type { ConfigClientState, LabState } from './types.ts';
import { wgQuickEnv, wgQuickTools, writeWgQuickTools } from './wg-userspace.ts';

/** Handle of a client made by Lab.addClientFromConfig. */
export interface LabConfigClient {
  /** Its namespace is `<lab name>-c<index>` (after the lab's own clients; it is not in Lab.clients). */
  readonly index: number;
  /** Index of its server in Lab.servers. */
  readonly server: number;
  /** Network namespace name. */
  readonly namespace: string;
  /** The WireGuard interface wg-quick brought up ('wg0' unless given). */
  readonly interface: string;
  /** The config file inside the client (its private /etc/wireguard). */
  readonly configPath: string;
  /** The same file seen from the host. */
  readonly hostConfigPath: string;
  /** Server tunnel address (of the interface whose ListenPort is the Endpoint's port), or null. */
  readonly pingTarget: string | null;
  /** Runs `sh -c command` inside the client's network + mount namespaces, where `wg-quick` works. */
  exec(command: string, options?: RunOptions): Promise<ExecResult>;
}

export interface AddClientOptions {
  /** Interface (and config file) name. Default 'wg0'. */
  interfaceName?: string;
}

const MAX_SLOT = 62; // 198.18.0.(4·62+2) = .250: the last /30 of 198.18.0.0/24 the lab hands out

const ifnameOk = (name: string): boolean => /^[a-zA-Z0-9_=+.-]{1,15}$/.test(name);

/** The port of the config's first `Endpoint = host:port` (IPv6 `[addr]:port` too), if any. */
export function endpointPort(configText: string): number | undefined {
  const match = /^\s*Endpoint\s*=\s*\S*:(\d+)\s*$/im.exec(configText);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** The first veth slot of `server` free in its namespace: lab clients take 0..K-1, config clients the next. */
function freeSlot(state: LabState, server: number): number {
  const used = new Set((state.configClients ?? []).filter((c) => c.server === server).map((c) => c.slot));
  let slot = state.clients.filter((c) => c.server === server).length;
  while (used.has(slot)) slot++;
  if (slot > MAX_SLOT) throw new Error(`server ${server} has no free client slot (at most ${MAX_SLOT + 1})`);
  return slot;
}

function nextIndex(state: LabState): number {
  return Math.max(state.clients.length, ...(state.configClients ?? []).map((c) => c.index + 1));
}

/**
 * Creates the namespace `<name>-c<i>`: own mount namespace for /etc/wireguard and /run/wireguard, a veth straight
 * to the server namespace, and a /32 route to the server's SSH address (the Endpoint of an exported config is
 * `host:listenPort`) via the server side of the veth. Writes the config and runs `wg-quick up`. On failure the
 * namespace is removed again.
 */
export async function addConfigClient(
  state: LabState,
  serverIndex: number,
  configText: string,
  options: AddClientOptions = {},
): Promise<ConfigClientState> {
  const server = state.servers[serverIndex];
  if (!server) throw new Error(`lab ${state.name} has no server ${serverIndex}`);
  const ifname = options.interfaceName ?? 'wg0';
  if (!ifnameOk(ifname)) throw new Error(`invalid interface name ${JSON.stringify(ifname)}`);
  const index = nextIndex(state);
  const slot = freeSlot(state, serverIndex);
  const ns = clientNamespace(state.name, index);
  const dir = `${state.dir}/c${index}`;
  const port = endpointPort(configText);
  const iface = server.interfaces.find((i) => i.listenPort === port);

  await mkdir(`${dir}/run-wireguard`, { recursive: true, mode: 0o755 });
  await mkdir(`${dir}/etc-wireguard`, { mode: 0o700 });
  await writeFile(`${dir}/etc-wireguard/${ifname}.conf`, configText, { mode: 0o600 });
  await writeWgQuickTools(dir);

  state.namespaces.push(ns); // from here on, stop() removes it whatever happens
  await writeState(state);
  const placed = { server: serverIndex, slot, namespace: ns, dir };
  let record: ConfigClientState;
  try {
    const serverSide = `198.18.0.${4 * slot + 1}`;
    await runScript(
      [
        'ip netns add "$1"',
        'ip -n "$2" link add "$3" type veth peer name eth0 netns "$1"',
        'ip -n "$2" addr add "$4/30" dev "$3"',
        'ip -n "$2" link set "$3" up',
        'ip -n "$1" addr add "$5" dev eth0',
        'ip -n "$1" link set eth0 up',
        'ip -n "$1" link set lo up',
        'ip -n "$1" route add "$6/32" via "$4"',
      ].join('\n'),
      [ns, server.namespace, `cl${slot}`, serverSide, `198.18.0.${4 * slot + 2}/30`, server.host],
    );
    const holder = await startHolder(ns, [
      `${dir}/run-wireguard`,
      '/run/wireguard',
      `${dir}/etc-wireguard`,
      '/etc/wireguard',
    ]);
    record = {
      ...placed,
      index,
      interface: ifname,
      pingTarget: iface ? (iface.addressV4.split('/')[0] ?? null) : null,
      holder,
    };
  } catch (error) {
    await removeConfigClient(state, placed).catch(() => undefined);
    throw error;
  }
  (state.configClients ??= []).push(record);
  await writeState(state);

  const up = await run('nsenter', [...enterArgs(record.holder), 'wg-quick', 'up', ifname], {
    env: configClientEnv(record),
  });
  if (up.code !== 0) {
    await removeConfigClient(state, record).catch(() => undefined);
    throw new Error(`wg-quick up ${ifname} in ${ns} failed (exit ${up.code}):\n${up.stderr.trim()}`);
  }
  return record;
}

function configClientEnv(record: ConfigClientState): Record<string, string> {
  return wgQuickEnv(wgQuickTools(record.dir), labEnv().PATH ?? '');
}

export function configClientHandle(record: ConfigClientState): LabConfigClient {
  return {
    index: record.index,
    server: record.server,
    namespace: record.namespace,
    interface: record.interface,
    configPath: `/etc/wireguard/${record.interface}.conf`,
    hostConfigPath: `${record.dir}/etc-wireguard/${record.interface}.conf`,
    pingTarget: record.pingTarget,
    exec: (command, options = {}) =>
      run('nsenter', [...enterArgs(record.holder), 'sh', '-c', command], {
        ...options,
        env: { ...configClientEnv(record), ...options.env },
      }),
  };
}

/**
 * Ends every process in the client's namespace (its holder, wireguard-go, pings), deletes the namespace (its
 * veth goes with it) and its dir. Waits until the server side of the veth is gone: the kernel frees a deleted
 * namespace asynchronously, and the slot may be handed out again at once.
 */
export async function removeConfigClient(
  state: LabState,
  record: Pick<ConfigClientState, 'server' | 'slot' | 'namespace' | 'dir'>,
): Promise<void> {
  const server = state.servers[record.server];
  if ((await listNamespaces()).includes(record.namespace)) {
    await terminate(await namespacePids(record.namespace), 'SIGTERM', 1_000);
    const del = await run('ip', ['netns', 'del', record.namespace]);
    if (del.code !== 0) throw new Error(`ip netns del ${record.namespace}: ${del.stderr.trim()}`);
  }
  if (server) {
    await waitFor(
      `veth cl${record.slot} of ${record.namespace} to go`,
      async () => (await run('ip', ['-n', server.namespace, 'link', 'show', `cl${record.slot}`])).code !== 0,
      5_000,
      20,
    );
  }
  await rm(record.dir, { recursive: true, force: true });
  state.namespaces = state.namespaces.filter((ns) => ns !== record.namespace);
  state.configClients = (state.configClients ?? []).filter((c) => c.namespace !== record.namespace);
  await writeState(state);
}
