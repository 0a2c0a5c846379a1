import { sameSessionConfig } from '../fleet/session-config.ts';
import type {
  AddServerResult,
  ApiMethods,
  HostKeyInfo,
  HostKeyProbe,
  SshConfigCandidate,
} from '../../../shared/api.ts';
import type { ServerLive, StatusThresholds } from '../../../shared/domain.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { serverConfigSchema } from '../../../shared/validation.ts';
import { NoInterfacesError, WgDeckError, errorCode, errorMessage } from '../errors.ts';
import { collectOnce, collectOnceSettled } from '../fleet/collect-once.ts';
import { dialOptionsFor } from '../fleet/server-session.ts';
import type { SecretStore } from '../secrets.ts';
import type { Credentials } from '../ssh/auth.ts';
import { dial, type SshSession } from '../ssh/dial.ts';
import { createHostKeyGate, type RecordingGate } from '../ssh/host-key-gate.ts';
import { importSshConfig } from '../ssh/ssh-config-import.ts';
import { TrustStore } from '../ssh/trust-store.ts';
import { ServerStore } from '../store/server-store.ts';

/** What the servers service asks of the live fleet when a server's config, key or credentials change. */
export interface FleetControl {
  /** Start (or restart) the server's session, if the fleet is running. */
  run(server: ServerConfig): Promise<void>;
  /** Reconnect a running session now; false when none runs. */
  restart(name: string): boolean;
  has(name: string): boolean;
  forget(name: string): void;
}

export interface ServerServiceOptions {
  dataDir: string;
  secrets: SecretStore;
  /** null: ignore ~/.ssh/known_hosts (tests). Default: the user's file, read-only. */
  userKnownHostsPath?: string | null;
  /** Where `server:importSshConfig` reads; default ~/.ssh/config. */
  sshConfigPath?: string;
  thresholds: () => Promise<StatusThresholds>;
}

type AddServerInput = Parameters<ApiMethods['server:add']>[0];

/** Verdicts of a host key check that failed on the key itself. */
const KEY_VERDICTS: Record<string, HostKeyProbe['verdict']> = {
  HOST_KEY_UNKNOWN: 'unknown',
  HOST_KEY_CHANGED: 'changed',
  HOST_KEY_REVOKED: 'revoked',
};

/**
 * The servers: `servers.json`, the host keys trusted for them, their credentials (the keychain), and
 * everything done to one before or besides its live session — adding it (first contact, pinning the
 * key), probing and re-trusting its key, one-shot collection, and new SSH connections.
 */
export class ServerService {
  readonly store: ServerStore;
  readonly trust: TrustStore;
  readonly secrets: SecretStore;
  readonly #options: ServerServiceOptions;
  #fleet: FleetControl | null = null;

  constructor(options: ServerServiceOptions) {
    this.#options = options;
    this.store = new ServerStore(options.dataDir);
    this.trust = new TrustStore(options.dataDir);
    this.secrets = options.secrets;
  }

  /** Wired by the composition root (the fleet needs this service's gates and credentials first). */
  attachFleet(fleet: FleetControl): void {
    this.#fleet = fleet;
  }

  list(): Promise<ServerConfig[]> {
    return this.store.list();
  }

  /**
   * The hosts of an ssh client config (default: the one the service was given, else ~/.ssh/config),
   * each marked `added` when a configured server has its host, port and user.
   */
  async importSshConfig(path = this.#options.sshConfigPath): Promise<SshConfigCandidate[]> {
    const [candidates, servers] = await Promise.all([importSshConfig(path), this.store.list()]);
    // Host names are case-insensitive (the config's come lower-cased, as ssh uses them).
    const key = (s: { user: string; host: string; port: number }) =>
      `${s.user}@${s.host.toLowerCase()}:${s.port}`;
    const configured = new Set(servers.map(key));
    return candidates.map((c) => ({ ...c, added: configured.has(key(c)) }));
  }

  async add(input: AddServerInput): Promise<AddServerResult> {
    const server = serverConfigSchema.parse(input.server);
    if ((await this.store.list()).some((s) => s.name === server.name)) {
      throw new WgDeckError('SERVER_EXISTS', `A server named "${server.name}" already exists.`);
    }
    const gate = this.gate(server, {
      acceptNew: input.acceptNew,
      acceptFingerprint: input.acceptFingerprint,
    });
    const credentials: Credentials = { ...(await this.credentials(server)) };
    if (input.password !== undefined) credentials.password = input.password;
    if (input.passphrase !== undefined) credentials.passphrase = input.passphrase;
    const live = await collectOnce({
      server,
      gate,
      credentials,
      thresholds: await this.#options.thresholds(),
    });
    if (live.interfaces.length === 0) throw new NoInterfacesError(`${server.host}:${server.port}`);
    await this.store.save(server);
    if (input.password !== undefined || input.passphrase !== undefined) {
      await this.secrets.set(server.name, credentials, input.remember ?? false);
    }
    await this.#fleet?.run(server);
    return { server, hostKey: gate.lastSeen!, interfaces: live.interfaces.map((i) => i.name) };
  }

  async update(input: ServerConfig): Promise<ServerConfig> {
    const server = serverConfigSchema.parse(input);
    const before = await this.store.get(server.name); // must exist
    await this.store.save(server, { replace: true });
    if (this.#fleet?.has(server.name) && !sameSessionConfig(before, server)) await this.#fleet.run(server);
    return server;
  }

  async reconnect(name: string): Promise<void> {
    const server = await this.store.get(name); // a clear NO_SUCH_SERVER
    if (!this.#fleet?.restart(name)) await this.#fleet?.run(server);
  }

  async setCredentials(
    name: string,
    input: { password?: string; passphrase?: string; remember: boolean },
  ): Promise<void> {
    await this.store.get(name);
    const credentials: Credentials = {};
    if (input.password !== undefined) credentials.password = input.password;
    if (input.passphrase !== undefined) credentials.passphrase = input.passphrase;
    await this.secrets.set(name, credentials, input.remember);
    this.#fleet?.restart(name);
  }

  async remove(name: string): Promise<void> {
    await this.store.remove(name);
    await this.secrets.delete(name);
    this.#fleet?.forget(name);
  }

  async probeHostKey(name: string): Promise<HostKeyProbe> {
    const server = await this.store.get(name);
    const gate = this.gate(server);
    try {
      await this.#collect(server, gate);
      return { key: gate.lastSeen, verdict: 'trusted' };
    } catch (error) {
      // Past the host key check (auth, sudo…) the key itself was trusted.
      const verdict = KEY_VERDICTS[errorCode(error)] ?? (gate.lastSeen ? 'trusted' : 'unreachable');
      return { key: gate.lastSeen, verdict, message: errorMessage(error) };
    }
  }

  /**
   * Replaces a pinned key that changed — only with the fingerprint the admin compared, so a second
   * change between "show" and "confirm" is still refused.
   */
  async retrust(name: string, fingerprint: string): Promise<HostKeyInfo> {
    const server = await this.store.get(name);
    const probe = await this.probeHostKey(name);
    if (!probe.key)
      throw new WgDeckError('UNREACHABLE', `Could not reach ${name} to read its host key: ${probe.message}`);
    if (probe.key.fingerprint !== fingerprint) {
      throw new WgDeckError(
        'FINGERPRINT_MISMATCH',
        `${name} presents ${probe.key.fingerprint}, not ${fingerprint}; nothing was trusted.`,
      );
    }
    await this.trust.forget(server.host, server.port);
    await this.#collect(server, this.gate(server, { acceptFingerprint: fingerprint }));
    this.#fleet?.restart(name);
    return probe.key;
  }

  /** One frame from each server (or the named ones), concurrently; failures become states. */
  async pollOnce(names?: string[], options: { samples?: 1 | 2 } = {}): Promise<ServerLive[]> {
    const thresholds = await this.#options.thresholds();
    const all = await this.store.list();
    const chosen = names ? names.map((n) => all.find((s) => s.name === n) ?? missing(n)) : all;
    return await Promise.all(
      chosen.map(async (server) =>
        collectOnceSettled({
          server,
          gate: this.gate(server),
          credentials: await this.credentials(server),
          thresholds,
          ...options,
        }),
      ),
    );
  }

  /** A new SSH connection of its own (what must prove, after a change, that the admin can still get in). */
  async dialNew(server: ServerConfig): Promise<SshSession> {
    return dial(await dialOptionsFor(server, this.gate(server), await this.credentials(server)));
  }

  gate(server: ServerConfig, extra: { acceptNew?: boolean; acceptFingerprint?: string } = {}): RecordingGate {
    return createHostKeyGate({
      store: this.trust,
      userKnownHostsPath: this.#options.userKnownHostsPath,
      serverName: server.name,
      ...extra,
    });
  }

  async credentials(server: ServerConfig): Promise<Credentials> {
    return (await this.secrets.get(server.name)) ?? {};
  }

  async #collect(server: ServerConfig, gate: RecordingGate): Promise<ServerLive> {
    return collectOnce({
      server,
      gate,
      credentials: await this.credentials(server),
      thresholds: await this.#options.thresholds(),
    });
  }
}

export function missing(name: string): never {
  throw new WgDeckError('NO_SUCH_SERVER', `No server named "${name}".`);
}
