// Public description of a running lab (what tests and the CLI read) and what state.json holds.
import type { ProcRef } from './exec.ts';

export type SudoMode = 'nopasswd' | 'password';

export interface LabOptions {
  /** Lab instance name, also the prefix of its namespaces (`<name>-s0`, `<name>-c0`). Default `wgdlab`. */
  name?: string;
  /** Number of servers (N). Default 2. */
  servers?: number;
  /** WireGuard interfaces per server: wg0, wg1... Default 1. */
  interfaces?: number;
  /** Configured peers per interface (M). Default 3. On wg0 the first ones are the real clients (wg0 gets max(M, K)). */
  peers?: number;
  /** Real client namespaces per server (K), each a peer of that server's wg0. Default 1. */
  clients?: number;
  /** Sudo mode of the operator user, per server (index k); missing entries are 'nopasswd'. */
  sudo?: SudoMode[];
  /** Start background ping traffic in every client. Default true. */
  traffic?: boolean;
  /** Persistent keepalive on every third peer without a real client behind it. No one answers those:
   *  WireGuard retries their handshakes every 5 s (wireguard-go: ~7 % of a core per 1,000 peers), so a
   *  big lab on a small machine turns it off. Default true. */
  idleKeepalive?: boolean;
}

export interface LabPeer {
  publicKey: string;
  /** e.g. ['198.18.128.2/32', '2001:2:0:1000::2/128'] */
  allowedIps: string[];
  presharedKey: boolean;
  /** Persistent keepalive in seconds, or null when off. */
  keepalive: number | null;
  /** Index in Lab.clients of the real client behind this peer, or null for a peer with a random key. */
  client: number | null;
}

export interface LabInterface {
  /** wg0, wg1... */
  name: string;
  publicKey: string;
  listenPort: number;
  /** Server address with prefix length, as on the config's Address line: '198.18.128.1/24'. */
  addressV4: string;
  /** '2001:2:0:1000::1/64' */
  addressV6: string;
  /** Path of the wg-quick style config file *inside the server* (its private /etc/wireguard). */
  configPath: string;
  /** Same file seen from the host (the lab dir bind-mounted on the server's /etc/wireguard). */
  hostConfigPath: string;
  peers: LabPeer[];
}

export interface LabServer {
  index: number;
  /** 'lab-s0', 'lab-s1'... */
  name: string;
  /** Network namespace name: '<lab name>-s0'. */
  namespace: string;
  /** IPv4 address its sshd listens on, reachable from the root namespace. */
  host: string;
  port: 22;
  /** 'SHA256:...' as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  /** Content of the host key's .pub file: 'ssh-ed25519 AAAA... comment'. */
  hostKeyLine: string;
  /** known_hosts line for this server: '<host> ssh-ed25519 AAAA...'. */
  knownHostsLine: string;
  rootIdentityFile: string;
  /** 'wgdeck-op' */
  operatorUser: string;
  operatorIdentityFile: string;
  sudo: SudoMode;
  interfaces: LabInterface[];
}

export interface LabClient {
  /** Index in Lab.clients. */
  index: number;
  /** Index of its server in Lab.servers. */
  server: number;
  /** The server interface it is a peer of ('wg0'). */
  interface: string;
  /** Network namespace name: '<lab name>-c0'. */
  namespace: string;
  publicKey: string;
  /** Its tunnel addresses, without prefix length. */
  tunnelV4: string;
  tunnelV6: string;
  /** Server endpoint it connects to: '198.18.0.1:51820'. */
  endpoint: string;
  /** Server tunnel address its background ping targets. */
  pingTarget: string;
  /** Whether background traffic is running. */
  traffic: boolean;
}

/** A client namespace made by Lab.addClientFromConfig from a wg-quick config text (not in Lab.clients). */
export interface ConfigClientState {
  /** Its namespace is `<lab name>-c<index>`, after the lab's own clients. */
  index: number;
  server: number;
  /** Its veth to the server is server `198.18.0.(4·slot+1)/30`, client `.(4·slot+2)`: slots after the lab clients'. */
  slot: number;
  namespace: string;
  /** The WireGuard interface wg-quick brought up ('wg0' unless given). */
  interface: string;
  /** Its lab dir (config, logs, wrapper). */
  dir: string;
  /** Server tunnel address a pinger targets by default (null when the Endpoint port matches no interface). */
  pingTarget: string | null;
  holder: ProcRef;
}

/** Processes of one server, all inside its namespaces. */
export interface ServerRuntime {
  holder: ProcRef;
  wireguard: ProcRef[];
  sshd: ProcRef | null;
}

export interface ClientRuntime {
  holder: ProcRef;
  wireguard: ProcRef | null;
  ping: ProcRef | null;
}

/** Everything `down` (possibly from another process) needs. Written to <dir>/state.json. */
export interface LabState {
  version: 1;
  name: string;
  dir: string;
  /** X of the root-side 198.18.X.0/24 this instance claimed. */
  subnet: number;
  createdAt: string;
  knownHostsFile: string;
  namespaces: string[];
  rootLinks: string[];
  servers: LabServer[];
  clients: LabClient[];
  runtime: { servers: (ServerRuntime | null)[]; clients: (ClientRuntime | null)[] };
  /** Clients added from config texts (absent in state files of older labs). */
  configClients?: ConfigClientState[];
}
