import type { DriftReport } from '../../../shared/peers.ts';
/**
 * The `peers:*` methods of the contract: read an interface's config file, preview operations (kept in
 * memory, with their generated keys, for a few minutes), apply them commit-confirmed, drift per
 * server, client configs. Every remote step goes through the server's own SSH connection rules
 * (host key verified before any credential, sudo -n); nothing is installed on the server.
 */

import { randomBytes } from 'node:crypto';
import type { InterfaceDump } from '../../../shared/domain.ts';
import type {
  ApplyRequest,
  ApplyResult,
  ChangeRequest,
  ClientConfigResult,
  ClientOptions,
  InterfaceConfigView,
  InterfaceDrift,
  ServerInterface,
  PreviewRequest,
  PreviewResult,
} from '../../../shared/peer-ops.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { WgDeckError, errorMessage } from '../errors.ts';
import { IFACE_NAME_RE } from '../peers/commands.ts';
import { configInterface, configPeers, configProblems, findPeer, parseConfig } from '../peers/config-file.ts';
import { compareDrift } from '../peers/drift.ts';
import { publicKeyOf } from '../peers/keys.ts';
import { PeerInputError } from '../peers/validate.ts';
import type { SecretStore } from '../secrets.ts';
import type { SshSession } from '../ssh/dial.ts';
import type { BuiltPlan } from './build-plan.ts';
import { buildPlan, planSignature } from './build-plan.ts';
import { clientConfigResult, clientConfigText, peerKeyId, serverSide } from './client-configs.ts';
import type { InterfaceRead } from './interface-read.ts';
import { remoteOps } from './remote-ops.ts';
import type { RemoteRunner } from './remote-runner.ts';
import type { TxDeps } from './transaction.ts';
import {
  DEFAULT_CONFIRM_SECONDS,
  fileChangedError,
  readInterface,
  requireFile,
  runTransaction,
  runnerFor,
} from './transaction.ts';

const PLAN_TTL_MS = 15 * 60_000;
const MAX_PLANS = 64;

export interface PeerServiceDeps extends TxDeps {
  getServer(name: string): Promise<ServerConfig>;
  secrets: SecretStore;
  /** Every config file read or written (the engine learns peer names from it). */
  onFileText?: (server: string, iface: string, text: string) => void;
  /** The interface as a confirmed apply's verification read it: shown at once, not at the next frame. */
  onVerifiedLive?: (server: string, iface: string, live: InterfaceDump) => void;
  /** Every drift comparison made (a config view read, `peers:drift`): the event log keeps news of it. */
  onDrift?: (server: string, report: DriftReport) => void;
}

interface StoredPlan {
  server: string;
  iface: string;
  configPath: string;
  fileText: string;
  built: BuiltPlan;
  signature: string;
  client: ClientOptions | undefined;
  expiresAt: number;
}

export function configPathFor(server: ServerConfig, iface: string): string {
  return server.configPaths?.[iface] ?? `/etc/wireguard/${iface}.conf`;
}

function checkIface(iface: string): void {
  if (!IFACE_NAME_RE.test(iface)) {
    throw new PeerInputError([
      { field: 'iface', message: 'an interface name is 1–15 letters, digits, "_", "=", "+", "." or "-"' },
    ]);
  }
}

export class PeerService {
  readonly #deps: PeerServiceDeps;
  readonly #plans = new Map<string, StoredPlan>();

  constructor(deps: PeerServiceDeps) {
    this.#deps = deps;
  }

  async read(serverName: string, iface: string): Promise<InterfaceConfigView> {
    checkIface(iface);
    const server = await this.#deps.getServer(serverName);
    const path = configPathFor(server, iface);
    return this.#withConnection(server, async (ssh) => {
      const read = await readInterface(runnerFor(server, ssh), iface, path);
      const file = requireFile(read, path, ssh.label);
      this.#deps.onFileText?.(server.name, iface, file.fileText);
      const view = interfaceView(server.name, iface, path, file);
      if (view.drift) this.#deps.onDrift?.(server.name, view.drift);
      return view;
    });
  }

  /** Interfaces a server has: up (live) or with a config file in /etc/wireguard (or a configured path). */
  async interfaces(serverName: string): Promise<ServerInterface[]> {
    const server = await this.#deps.getServer(serverName);
    return this.#withConnection(server, (ssh) => listInterfaces(server, runnerFor(server, ssh)));
  }

  /**
   * Reads the config files of these interfaces only to learn their peer names (errors ignored).
   * Through sudo only what sudo runs without a password is read (asked first, without trying it:
   * a refused sudo is a line in the server's auth log); returns the interfaces it did not read.
   */
  async learnNames(serverName: string, ifaces: readonly string[]): Promise<string[]> {
    const server = await this.#deps.getServer(serverName);
    return await this.#withConnection(server, async (ssh) => {
      const runner = runnerFor(server, ssh);
      const skipped: string[] = [];
      for (const iface of ifaces.filter((name) => IFACE_NAME_RE.test(name))) {
        const path = configPathFor(server, iface);
        if (!(await runner.runsWithoutPassword(remoteOps.read(iface, path)).catch(() => false))) {
          skipped.push(iface);
          continue;
        }
        const read = await readInterface(runner, iface, path).catch(() => null);
        if (read?.fileText != null) this.#deps.onFileText?.(server.name, iface, read.fileText);
      }
      return skipped;
    });
  }

  async drift(serverName: string): Promise<InterfaceDrift[]> {
    const server = await this.#deps.getServer(serverName);
    return this.#withConnection(server, async (ssh) => {
      const runner = runnerFor(server, ssh);
      const out: InterfaceDrift[] = [];
      for (const { iface, configPath: path } of await listInterfaces(server, runner)) {
        try {
          const read = await readInterface(runner, iface, path);
          if (read.fileText !== null) this.#deps.onFileText?.(server.name, iface, read.fileText);
          if (read.fileText === null)
            out.push({ iface, configPath: path, report: null, problem: `no config file at ${path}` });
          else if (read.live === null)
            out.push({ iface, configPath: path, report: null, problem: `${iface} is not up` });
          else
            out.push({
              iface,
              configPath: path,
              report: compareDrift(parseConfig(read.fileText), read.live),
              problem: null,
            });
        } catch (error) {
          out.push({ iface, configPath: path, report: null, problem: errorMessage(error) });
        }
      }
      for (const { report } of out) if (report) this.#deps.onDrift?.(server.name, report);
      return out;
    });
  }

  async preview(request: PreviewRequest): Promise<PreviewResult> {
    checkIface(request.iface);
    const server = await this.#deps.getServer(request.server);
    const path = configPathFor(server, request.iface);
    const { built, read } = await this.#withConnection(server, async (ssh) => {
      const runner = runnerFor(server, ssh);
      const read = requireFile(await readInterface(runner, request.iface, path), path, ssh.label);
      this.#deps.onFileText?.(server.name, request.iface, read.fileText);
      const built = await buildPlan(request.operation, {
        iface: request.iface,
        configPath: path,
        read,
        runner,
      });
      return { built, read };
    });
    // A client option the config cannot hold must fail now, not after the server has changed.
    await this.#clients(server, request.iface, built, read, request.client, false, true);
    this.#prune();
    const planId = randomBytes(18).toString('base64url');
    const expiresAt = Date.now() + PLAN_TTL_MS;
    this.#plans.set(planId, {
      server: server.name,
      iface: request.iface,
      configPath: path,
      fileText: read.fileText,
      built,
      signature: planSignature(built.plan),
      client: request.client,
      expiresAt,
    });
    return {
      planId,
      expiresAt,
      preview: built.plan.preview,
      baseSha256: built.plan.baseSha256,
      writesFile: built.plan.newText !== read.fileText,
    };
  }

  discard(planId: string): void {
    this.#plans.delete(planId);
  }

  async apply(request: ApplyRequest): Promise<ApplyResult> {
    const stored = this.#plans.get(request.planId);
    if (!stored || stored.expiresAt < Date.now()) {
      this.#plans.delete(request.planId);
      throw new WgDeckError(
        'PLAN_EXPIRED',
        'This preview is no longer available (it expired or was applied); preview again.',
      );
    }
    this.#plans.delete(request.planId);
    const server = await this.#deps.getServer(stored.server);
    const outcome = await runTransaction(this.#deps, {
      planId: request.planId,
      server,
      iface: stored.iface,
      configPath: stored.configPath,
      confirmTimeoutSeconds: request.confirmTimeoutSeconds ?? DEFAULT_CONFIRM_SECONDS,
      restart: request.restart ?? false,
      plan: (read) => {
        if (read.fileText !== stored.fileText) {
          return Promise.reject(fileChangedError(stored.configPath, stored.fileText, read.fileText));
        }
        const again = stored.built.again(read);
        if (planSignature(again) !== stored.signature) {
          return Promise.reject(
            new WgDeckError(
              'LIVE_CHANGED',
              `The live state of ${stored.iface} changed since the preview, and with it what this change touches. Nothing was applied; preview again.`,
            ),
          );
        }
        return Promise.resolve(again);
      },
    });
    return this.#result(
      server,
      stored.iface,
      stored.built,
      outcome,
      stored.client,
      request.keepPrivateKeys ?? false,
    );
  }

  async change(request: ChangeRequest): Promise<ApplyResult> {
    checkIface(request.iface);
    const server = await this.#deps.getServer(request.server);
    const path = configPathFor(server, request.iface);
    let built: BuiltPlan | null = null;
    const outcome = await runTransaction(this.#deps, {
      planId: null,
      server,
      iface: request.iface,
      configPath: path,
      confirmTimeoutSeconds: request.confirmTimeoutSeconds ?? DEFAULT_CONFIRM_SECONDS,
      restart: request.restart ?? false,
      plan: async (read, runner) => {
        built = await buildPlan(request.operation, { iface: request.iface, configPath: path, read, runner });
        await this.#clients(server, request.iface, built, read, request.client, false, true);
        return built.plan;
      },
    });
    return this.#result(
      server,
      request.iface,
      built!,
      outcome,
      request.client,
      request.keepPrivateKeys ?? false,
    );
  }

  async clientConfig(serverName: string, iface: string, publicKey: string): Promise<ClientConfigResult> {
    checkIface(iface);
    const server = await this.#deps.getServer(serverName);
    const kept = await this.#deps.secrets.getItem(peerKeyId(server.name, iface, publicKey));
    if (kept === undefined) {
      throw new WgDeckError(
        'KEY_NOT_KEPT',
        "This peer's private key was not kept (it was shown once when the peer was created). Rotate the peer's keys to make a new client config.",
      );
    }
    const { privateKey, client } = JSON.parse(kept) as { privateKey: string; client?: ClientOptions };
    const path = configPathFor(server, iface);
    const read = await this.#withConnection(server, async (ssh) =>
      requireFile(await readInterface(runnerFor(server, ssh), iface, path), path, ssh.label),
    );
    const peer = findPeer(parseConfig(read.fileText), publicKey);
    if (peer === null) throw new WgDeckError('NO_SUCH_PEER', `No peer ${publicKey.slice(0, 8)}… in ${path}.`);
    return clientConfigResult({
      peer: {
        publicKey,
        name: peer.name ?? 'peer',
        allowedIps: peer.allowedIps,
        presharedKey: peer.presharedKey,
        persistentKeepalive: peer.persistentKeepalive,
      },
      privateKey,
      side: serverSide(read.fileText, read.live),
      endpointHost: server.host,
      options: client,
      kept: true,
    });
  }

  async #result(
    server: ServerConfig,
    iface: string,
    built: BuiltPlan,
    outcome: Awaited<ReturnType<typeof runTransaction>>,
    client: ClientOptions | undefined,
    keep: boolean,
  ): Promise<ApplyResult> {
    // The plan that ran may have been re-made (same keys): its added peers are the ones to export.
    const ran: BuiltPlan = { ...built, plan: outcome.plan };
    this.#deps.onFileText?.(server.name, iface, outcome.plan.newText);
    if (outcome.verifiedLive) this.#deps.onVerifiedLive?.(server.name, iface, outcome.verifiedLive);
    return {
      txId: outcome.txId,
      server: server.name,
      iface,
      tier: outcome.tier,
      outcome: outcome.outcome,
      backup: outcome.backup,
      verifiedAfterMs: outcome.verifiedAfterMs,
      preview: outcome.plan.preview,
      clients: await this.#clients(server, iface, ran, outcome.read, client, keep, false),
      rotatedKeys: rotatedKeys(ran),
    };
  }

  async #clients(
    server: ServerConfig,
    iface: string,
    built: BuiltPlan,
    read: InterfaceRead & { fileText: string },
    client: ClientOptions | undefined,
    keep: boolean,
    dryRun: boolean,
  ): Promise<ClientConfigResult[]> {
    if (keep && !this.#deps.secrets.canPersist) {
      throw new WgDeckError(
        'CANNOT_KEEP_KEYS',
        'This WG Deck cannot keep private keys safely (no OS keychain); the config is shown once instead.',
      );
    }
    const side = serverSide(read.fileText, read.live);
    const results: ClientConfigResult[] = [];
    for (const peer of built.plan.added) {
      const privateKey = built.prepared?.privateKeys.get(peer.publicKey) ?? null;
      const input = { peer, privateKey, side, endpointHost: server.host, options: client };
      if (dryRun) {
        // Validation only (DNS, MTU, AllowedIPs, endpoint): the result is dropped, nothing leaves here.
        if (privateKey !== null) {
          try {
            clientConfigText({ ...input, privateKey });
          } catch (error) {
            // These are the client options' fields, not the peer's: say so (`client.allowedIps[0]`).
            if (!(error instanceof PeerInputError)) throw error;
            throw new PeerInputError(error.problems.map((p) => ({ ...p, field: `client.${p.field}` })));
          }
        }
        continue;
      }
      const kept = keep && privateKey !== null;
      if (kept) {
        await this.#deps.secrets.setItem(
          peerKeyId(server.name, iface, peer.publicKey),
          JSON.stringify({ privateKey, client }),
          true,
        );
      }
      results.push(await clientConfigResult({ ...input, kept }));
    }
    return results;
  }

  async #withConnection<T>(server: ServerConfig, work: (ssh: SshSession) => Promise<T>): Promise<T> {
    const ssh = await this.#deps.connect(server);
    try {
      return await work(ssh);
    } finally {
      ssh.close();
    }
  }

  #prune(): void {
    const now = Date.now();
    for (const [id, plan] of this.#plans) if (plan.expiresAt < now) this.#plans.delete(id);
    while (this.#plans.size >= MAX_PLANS) this.#plans.delete(this.#plans.keys().next().value!);
  }
}

/** Preshared keys generated for peers the plan did not add (rotations), with their names. */
function rotatedKeys(built: BuiltPlan): ApplyResult['rotatedKeys'] {
  const added = new Set(built.plan.added.map((peer) => peer.publicKey));
  const names = new Map(built.plan.preview.changes.map((change) => [change.publicKey, change.name]));
  return [...(built.prepared?.presharedKeys ?? [])]
    .filter(([publicKey]) => !added.has(publicKey))
    .map(([publicKey, presharedKey]) => ({ publicKey, name: names.get(publicKey) ?? null, presharedKey }));
}

async function listInterfaces(server: ServerConfig, runner: RemoteRunner): Promise<ServerInterface[]> {
  const listed = await runner.check(remoteOps.list('/etc/wireguard'), 'listing interfaces');
  const lines = listed.split('\n');
  const files = new Set(lines.filter((line) => line !== '' && !line.startsWith('live')));
  const live = new Set(
    (lines.find((line) => line.startsWith('live')) ?? 'live').slice(4).trim().split(/\s+/).filter(Boolean),
  );
  const configured = Object.keys(server.configPaths ?? {});
  return [...new Set([...files, ...live, ...configured])]
    .filter((name) => IFACE_NAME_RE.test(name))
    .sort()
    .map((iface) => ({
      iface,
      configPath: configPathFor(server, iface),
      live: live.has(iface),
      // A configured path outside /etc/wireguard is not listed there: assume it is there (read says).
      hasFile: files.has(iface) || configured.includes(iface),
    }));
}

export function interfaceView(
  server: string,
  iface: string,
  path: string,
  read: InterfaceRead & { fileText: string },
): InterfaceConfigView {
  const file = parseConfig(read.fileText);
  const fileInterface = configInterface(file);
  let publicKey: string | null = null;
  try {
    publicKey = fileInterface.privateKey ? publicKeyOf(fileInterface.privateKey) : null;
  } catch {
    publicKey = null; // an invalid key is one of the file's problems, listed below
  }
  return {
    server,
    iface,
    configPath: path,
    sha256: read.sha256,
    live: read.live !== null,
    addresses: fileInterface.addresses,
    publicKey,
    listenPort: fileInterface.listenPort,
    saveConfig: fileInterface.saveConfig,
    peers: configPeers(file)
      .filter((peer) => peer.publicKey !== null)
      .map((peer) => ({
        publicKey: peer.publicKey!,
        name: peer.name,
        allowedIps: peer.allowedIps,
        persistentKeepalive: peer.persistentKeepalive,
        endpoint: peer.endpoint,
        checkAddress: peer.checkAddress,
        statusRule: peer.statusRule,
        statusThresholds: peer.statusThresholds,
        hasPresharedKey: peer.presharedKey !== null,
        disabled: peer.disabled,
        quota: peer.quota,
        expiresAt: peer.expiresAt,
        schedule: peer.schedule,
        disabledBy: peer.disabledBy,
      })),
    problems: configProblems(file),
    drift: read.live === null ? null : compareDrift(file, read.live),
    backups: read.backups,
    pendingRollback: read.pending !== null,
    rollbackFailed: read.rollbackFailed,
  };
}
