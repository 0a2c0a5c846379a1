import type {
  AddServerResult,
  AppInfo,
  ApiEvents,
  ApiMethods,
  EventName,
  HostKeyInfo,
  HostKeyProbe,
  Settings,
  SyncedServer,
} from '../../shared/api.ts';
import { DeltaEncoder } from '../../shared/live-delta.ts';
import type { ServerLive } from '../../shared/domain.ts';
import type { ServerConfig } from '../../shared/server-config.ts';
import { serverConfigSchema } from '../../shared/validation.ts';
import { NoInterfacesError, WgDeckError, errorCode, errorMessage } from './errors.ts';
import { collectOnce, collectOnceSettled } from './fleet/collect-once.ts';
import { ServerSession } from './fleet/server-session.ts';
import type { Credentials } from './ssh/auth.ts';
import { createHostKeyGate, type RecordingGate } from './ssh/host-key-gate.ts';
import { importSshConfig } from './ssh/ssh-config-import.ts';
import { TrustStore } from './ssh/trust-store.ts';
import { MemorySecretStore, type SecretStore } from './secrets.ts';
import { ServerStore } from './store/server-store.ts';
import { SettingsStore } from './store/settings-store.ts';

export interface EngineOptions {
  dataDir: string;
  /** null: ignore ~/.ssh/known_hosts (tests). Default: the user's file, read-only. */
  userKnownHostsPath?: string | null;
  /** Passwords and passphrases: the OS keychain in the app, memory elsewhere. */
  secrets?: SecretStore;
  /** Which front end hosts this engine (reported by `app:info`). */
  host?: AppInfo['host'];
  /** Where `server:importSshConfig` reads; default ~/.ssh/config. */
  sshConfigPath?: string;
  log?: (message: string) => void;
}

export const APP_VERSION = '0.1.0';

type Handlers = {
  [M in keyof ApiMethods]: (...args: Parameters<ApiMethods[M]>) => Promise<ReturnType<ApiMethods[M]>>;
};
type Listener<E extends EventName> = (payload: ApiEvents[E]) => void;

/**
 * The composition root: stores, trust, sessions and events behind the one API contract. Every front end
 * (Electron IPC, browser-mode WebSocket, CLI) talks to an Engine and nothing else.
 */
export class Engine {
  readonly servers: ServerStore;
  readonly settingsStore: SettingsStore;
  readonly trust: TrustStore;
  readonly secrets: SecretStore;
  readonly #options: EngineOptions;
  readonly #sessions = new Map<string, ServerSession>();
  readonly #synced = new Map<string, SyncedServer>();
  readonly #listeners = new Map<EventName, Set<Listener<EventName>>>();
  #settings: Settings | null = null;
  #started = false;

  constructor(options: EngineOptions) {
    this.#options = options;
    this.servers = new ServerStore(options.dataDir);
    this.settingsStore = new SettingsStore(options.dataDir);
    this.trust = new TrustStore(options.dataDir);
    this.secrets = options.secrets ?? new MemorySecretStore();
  }

  readonly handlers: Handlers = {
    'app:info': () =>
      Promise.resolve({
        version: APP_VERSION,
        dataDir: this.#options.dataDir,
        host: this.#options.host ?? 'cli',
        canPersistSecrets: this.secrets.canPersist,
      }),
    'server:list': () => this.servers.list(),
    'server:add': (input) => this.#addServer(input),
    'server:remove': (name) => this.#removeServer(name),
    'server:update': (server) => this.#updateServer(server),
    'server:reconnect': (name) => this.#reconnect(name),
    'server:setCredentials': (name, credentials) => this.#setCredentials(name, credentials),
    'server:importSshConfig': () => importSshConfig(this.#options.sshConfigPath),
    'server:retrust': (name, fingerprint) => this.#retrust(name, fingerprint),
    'server:probeHostKey': (name) => this.#probeHostKey(name),
    'fleet:state': () => Promise.resolve([...this.#sessions.values()].map((s) => s.live)),
    'fleet:sync': () => Promise.resolve([...this.#synced.values()]),
    'settings:get': () => this.#getSettings(),
    'settings:update': (patch) => this.#updateSettings(patch),
  };

  subscribe<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }

  /** Starts a live session per stored server (or only the named ones). */
  async start(names?: string[]): Promise<void> {
    this.#started = true;
    const settings = await this.#getSettings();
    for (const server of await this.servers.list()) {
      if (names && !names.includes(server.name)) continue;
      this.#startSession(server, settings);
    }
    if (names) {
      const unknown = names.filter((n) => !this.#sessions.has(n));
      if (unknown.length > 0) throw new WgDeckError('NO_SUCH_SERVER', `No server named "${unknown[0]}".`);
    }
  }

  stop(): void {
    this.#started = false;
    for (const session of this.#sessions.values()) session.stop();
    this.#sessions.clear();
    this.#synced.clear();
  }

  /** One frame from each server (or the named ones), concurrently; failures become states. */
  async pollOnce(names?: string[]): Promise<ServerLive[]> {
    const settings = await this.#getSettings();
    const all = await this.servers.list();
    const chosen = names ? names.map((n) => all.find((s) => s.name === n) ?? missing(n)) : all;
    return await Promise.all(
      chosen.map(async (server) =>
        collectOnceSettled({
          server,
          gate: this.#gate(server),
          credentials: await this.#credentials(server),
          thresholds: settings.thresholds,
        }),
      ),
    );
  }

  #startSession(server: ServerConfig, settings: Settings): void {
    this.#sessions.get(server.name)?.stop();
    const session = new ServerSession({
      server,
      gate: this.#gate(server),
      credentials: () => this.#credentials(server),
      intervalSeconds: server.intervalSeconds ?? settings.intervalSeconds,
      thresholds: settings.thresholds,
      log: this.#options.log,
    });
    const encoder = new DeltaEncoder();
    session.onChange((live) => {
      const delta = encoder.encode(live);
      this.#synced.set(live.name, { name: live.name, seq: delta.seq, live });
      this.#emit('fleet:server', live);
      this.#emit('fleet:delta', delta);
    });
    this.#sessions.set(server.name, session);
    session.start();
  }

  async #addServer(input: Parameters<ApiMethods['server:add']>[0]): Promise<AddServerResult> {
    const server = serverConfigSchema.parse(input.server);
    if ((await this.servers.list()).some((s) => s.name === server.name)) {
      throw new WgDeckError('SERVER_EXISTS', `A server named "${server.name}" already exists.`);
    }
    const gate = this.#gate(server, {
      acceptNew: input.acceptNew,
      acceptFingerprint: input.acceptFingerprint,
    });
    const settings = await this.#getSettings();
    const credentials: Credentials = { ...(await this.#credentials(server)) };
    if (input.password !== undefined) credentials.password = input.password;
    if (input.passphrase !== undefined) credentials.passphrase = input.passphrase;
    const live = await collectOnce({ server, gate, credentials, thresholds: settings.thresholds });
    if (live.interfaces.length === 0) throw new NoInterfacesError(`${server.host}:${server.port}`);
    await this.servers.save(server);
    if (input.password !== undefined || input.passphrase !== undefined) {
      await this.secrets.set(server.name, credentials, input.remember ?? false);
    }
    if (this.#started) this.#startSession(server, settings);
    return { server, hostKey: gate.lastSeen!, interfaces: live.interfaces.map((i) => i.name) };
  }

  async #updateServer(input: ServerConfig): Promise<ServerConfig> {
    const server = serverConfigSchema.parse(input);
    await this.servers.get(server.name); // must exist
    await this.servers.save(server, { replace: true });
    if (this.#sessions.has(server.name)) this.#startSession(server, await this.#getSettings());
    return server;
  }

  async #reconnect(name: string): Promise<void> {
    const session = this.#sessions.get(name);
    if (session) session.restart();
    else if (this.#started) this.#startSession(await this.servers.get(name), await this.#getSettings());
    else await this.servers.get(name); // a clear NO_SUCH_SERVER
  }

  async #setCredentials(
    name: string,
    input: { password?: string; passphrase?: string; remember: boolean },
  ): Promise<void> {
    await this.servers.get(name);
    const credentials: Credentials = {};
    if (input.password !== undefined) credentials.password = input.password;
    if (input.passphrase !== undefined) credentials.passphrase = input.passphrase;
    await this.secrets.set(name, credentials, input.remember);
    this.#sessions.get(name)?.restart();
  }

  async #removeServer(name: string): Promise<void> {
    await this.servers.remove(name);
    await this.secrets.delete(name);
    this.#sessions.get(name)?.stop();
    this.#sessions.delete(name);
    this.#synced.delete(name);
    this.#emit('fleet:removed', { name });
  }

  async #probeHostKey(name: string): Promise<HostKeyProbe> {
    const server = await this.servers.get(name);
    const gate = this.#gate(server);
    const settings = await this.#getSettings();
    try {
      await collectOnce({
        server,
        gate,
        credentials: await this.#credentials(server),
        thresholds: settings.thresholds,
      });
      return { key: gate.lastSeen, verdict: 'trusted' };
    } catch (error) {
      const verdicts: Record<string, HostKeyProbe['verdict']> = {
        HOST_KEY_UNKNOWN: 'unknown',
        HOST_KEY_CHANGED: 'changed',
        HOST_KEY_REVOKED: 'revoked',
      };
      // Past the host key check (auth, sudo…) the key itself was trusted.
      const verdict = verdicts[errorCode(error)] ?? (gate.lastSeen ? 'trusted' : 'unreachable');
      return { key: gate.lastSeen, verdict, message: errorMessage(error) };
    }
  }

  /**
   * Replaces a pinned key that changed — only with the fingerprint the admin compared, so a second
   * change between "show" and "confirm" is still refused.
   */
  async #retrust(name: string, fingerprint: string): Promise<HostKeyInfo> {
    const server = await this.servers.get(name);
    const probe = await this.#probeHostKey(name);
    if (!probe.key)
      throw new WgDeckError('UNREACHABLE', `Could not reach ${name} to read its host key: ${probe.message}`);
    if (probe.key.fingerprint !== fingerprint) {
      throw new WgDeckError(
        'FINGERPRINT_MISMATCH',
        `${name} presents ${probe.key.fingerprint}, not ${fingerprint}; nothing was trusted.`,
      );
    }
    await this.trust.forget(server.host, server.port);
    const gate = this.#gate(server, { acceptFingerprint: fingerprint });
    const settings = await this.#getSettings();
    await collectOnce({
      server,
      gate,
      credentials: await this.#credentials(server),
      thresholds: settings.thresholds,
    });
    this.#sessions.get(name)?.restart();
    return probe.key;
  }

  #gate(
    server: ServerConfig,
    extra: { acceptNew?: boolean; acceptFingerprint?: string } = {},
  ): RecordingGate {
    return createHostKeyGate({
      store: this.trust,
      userKnownHostsPath: this.#options.userKnownHostsPath,
      serverName: server.name,
      ...extra,
    });
  }

  async #getSettings(): Promise<Settings> {
    this.#settings ??= await this.settingsStore.get();
    return this.#settings;
  }

  async #updateSettings(patch: Partial<Settings>): Promise<Settings> {
    const next = await this.settingsStore.update(patch);
    this.#settings = next;
    for (const session of this.#sessions.values()) {
      session.restart({
        intervalSeconds: session.server.intervalSeconds ?? next.intervalSeconds,
        thresholds: next.thresholds,
      });
    }
    return next;
  }

  async #credentials(server: ServerConfig): Promise<Credentials> {
    return (await this.secrets.get(server.name)) ?? {};
  }

  #emit<E extends EventName>(event: E, payload: ApiEvents[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) listener(payload);
  }
}

function missing(name: string): never {
  throw new WgDeckError('NO_SUCH_SERVER', `No server named "${name}".`);
}
