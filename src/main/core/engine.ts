import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
import { ServerSession, dialOptionsFor } from './fleet/server-session.ts';
import { PeerNameBook } from './peer-ops/name-book.ts';
import { PeerService } from './peer-ops/peer-service.ts';
import { dial, type SshSession } from './ssh/dial.ts';
import type { Credentials } from './ssh/auth.ts';
import { createHostKeyGate, type RecordingGate } from './ssh/host-key-gate.ts';
import { importSshConfig } from './ssh/ssh-config-import.ts';
import { TrustStore } from './ssh/trust-store.ts';
import { HISTORY_FILE, HistoryStore } from './history/index.ts';
import { dataDirExposure } from './store/private-files.ts';
import { watchDataFile } from './store/watch-data-file.ts';
import { settingsEffects } from './settings-effects.ts';
import { DomainEventBus } from './bus/domain-events.ts';
import { ingestHistory } from './history/ingest.ts';
import { NEW_MEMORY, transitions, type TransitionMemory } from './bus/transitions.ts';
import { tryLock } from './store/process-lock.ts';
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
  /**
   * Keep local history (`<dataDir>/history.sqlite`) of what live sessions stream. On for the app and
   * `wgdeck serve`; off for one-shot CLI commands, so two processes never record the same server.
   */
  recordHistory?: boolean;
  log?: (message: string) => void;
  /** Test hook (lab): runs right after a peer change is applied live, before it is verified. */
  afterLiveChange?: (server: string, iface: string) => Promise<void>;
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
  #history: HistoryStore | null = null;
  #historyLock: { release: () => void } | null = null;
  #maintenance: NodeJS.Timeout | null = null;
  /** Stops watching servers.json and settings.json (changes made by other processes). */
  #unwatch: (() => void)[] = [];
  /** Serializes reloads: a burst of changes to a file is applied one reload at a time. */
  #reloading: Promise<void> = Promise.resolve();
  /**
   * What happened in the fleet (server up/down/back, reboots, peer status, sessions, roaming,
   * counter resets), each fact once: what the event log, alerts and exporters subscribe to.
   */
  readonly domainEvents = new DomainEventBus((error, event) =>
    this.#options.log?.(`${event.type} subscriber: ${errorMessage(error)}`),
  );
  readonly #lastLive = new Map<string, { live: ServerLive; memory: TransitionMemory }>();

  constructor(options: EngineOptions) {
    this.#options = options;
    ingestHistory(this.domainEvents, () => this.#history, options.log);
    this.servers = new ServerStore(options.dataDir);
    this.settingsStore = new SettingsStore(options.dataDir);
    this.trust = new TrustStore(options.dataDir);
    this.secrets = options.secrets ?? new MemorySecretStore();
    this.#peers = new PeerService({
      getServer: (name) => this.servers.get(name),
      connect: async (server) => this.#sessionConnection(server) ?? this.#dialNew(server),
      connectNew: (server) => this.#dialNew(server),
      secrets: this.secrets,
      emit: (event) => this.#emit('peers:tx', event),
      log: options.log,
      afterLiveChange: options.afterLiveChange,
      onFileText: (server, iface, text) => {
        const learned = this.#names.learn(server, iface, text);
        if (learned) this.#emit('peers:names', learned);
      },
    });
  }

  readonly #peers: PeerService;
  readonly #names = new PeerNameBook();
  /** Servers whose peer names were read on connect (once per run). */
  readonly #namesRead = new Set<string>();

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
    'history:peer': (q) => this.#query((h) => h.peerSeries(q)),
    'history:interface': (q) => this.#query((h) => h.interfaceSeries(q)),
    'history:server': (q) => this.#query((h) => h.serverSeries(q)),
    'history:fleet': (q) => this.#query((h) => h.fleetSeries(q)),
    'history:usage': (q) => this.#query((h) => h.usage(q)),
    'history:events': (q) =>
      this.#query((h) => ({ handshakes: h.handshakes(q), endpoints: h.endpointChanges(q) })),
    'peers:read': (server, iface) => this.#peers.read(server, iface),
    'peers:names': () => Promise.resolve(this.#names.all()),
    'peers:interfaces': (server) => this.#peers.interfaces(server),
    'peers:drift': (server) => this.#peers.drift(server),
    'peers:preview': (request) => this.#peers.preview(request),
    'peers:apply': (request) => this.#peers.apply(request),
    'peers:discard': (planId) => Promise.resolve(this.#peers.discard(planId)),
    'peers:change': (request) => this.#peers.change(request),
    'peers:clientConfig': (server, iface, key) => this.#peers.clientConfig(server, iface, key),
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
    if (this.#options.recordHistory && !this.#history) this.#openHistory(settings);
    for (const server of await this.servers.list()) {
      if (names && !names.includes(server.name)) continue;
      this.#startSession(server, settings);
    }
    if (names) {
      const unknown = names.filter((n) => !this.#sessions.has(n));
      if (unknown.length > 0) throw new WgDeckError('NO_SUCH_SERVER', `No server named "${unknown[0]}".`);
    } else if (this.#unwatch.length === 0) {
      // The whole fleet: follow what other processes on this data dir change (a server added with
      // `wgdeck server add` while the app runs connects here within seconds).
      const reload = (what: () => Promise<void>) => () => {
        this.#reloading = this.#reloading.then(what).catch((error: unknown) => {
          this.#options.log?.(`data dir: ${errorMessage(error)}`);
        });
      };
      this.#unwatch.push(
        watchDataFile(
          this.servers.path,
          reload(() => this.#syncSessions()),
        ),
        watchDataFile(
          this.settingsStore.path,
          reload(async () => this.#applySettings(await this.settingsStore.get())),
        ),
      );
    }
  }

  /** Brings the sessions in line with servers.json: new servers start, removed stop, changed restart. */
  async #syncSessions(): Promise<void> {
    if (!this.#started) return;
    const servers = await this.servers.list();
    const settings = await this.#getSettings();
    const wanted = new Set(servers.map((s) => s.name));
    for (const name of [...this.#sessions.keys()]) if (!wanted.has(name)) this.#forgetSession(name);
    for (const server of servers) {
      const running = this.#sessions.get(server.name);
      if (!running || JSON.stringify(running.server) !== JSON.stringify(server)) {
        this.#startSession(server, settings);
      }
    }
  }

  #query<T>(run: (history: HistoryStore) => T): Promise<T> {
    if (!this.#history) {
      return Promise.reject(
        new WgDeckError(
          'HISTORY_UNAVAILABLE',
          this.#options.recordHistory
            ? 'History is kept by another WG Deck process on this data dir; this one shows live data only.'
            : 'This WG Deck process keeps no history.',
        ),
      );
    }
    return Promise.resolve(run(this.#history));
  }

  /** One recording process per data dir: a second app or `wgdeck serve` runs live-only, and says so. */
  #openHistory(settings: Settings): void {
    mkdirSync(this.#options.dataDir, { recursive: true, mode: 0o700 });
    const exposure = dataDirExposure(this.#options.dataDir);
    if (exposure) this.#options.log?.(`warning: ${exposure}`);
    const lock = tryLock(join(this.#options.dataDir, `${HISTORY_FILE}.lock`));
    if ('heldBy' in lock) {
      this.#options.log?.(
        `history: process ${lock.heldBy} already records this data dir; this one shows live data only`,
      );
      return;
    }
    this.#historyLock = lock;
    this.#history = HistoryStore.open(join(this.#options.dataDir, HISTORY_FILE), {
      retention: settings.retention,
    });
    // Compaction, rollups and retention in small slices, so the loop never stalls for long.
    this.#maintenance = setInterval(() => {
      try {
        this.#history?.maintain(20);
      } catch (error) {
        this.#options.log?.(`history maintenance: ${errorMessage(error)}`);
      }
    }, 10_000);
    this.#maintenance.unref();
  }

  stop(): void {
    this.#started = false;
    for (const unwatch of this.#unwatch.splice(0)) unwatch();
    for (const session of this.#sessions.values()) session.stop();
    this.#sessions.clear();
    this.#synced.clear();
    if (this.#maintenance) clearInterval(this.#maintenance);
    this.#maintenance = null;
    this.#history?.close();
    this.#history = null;
    this.#historyLock?.release();
    this.#historyLock = null;
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
      onSnapshot: (snapshot, receivedAt) =>
        this.domainEvents.publish([
          {
            type: 'server.sample',
            server: server.name,
            snapshot,
            receivedAt,
            intervalSeconds: session.intervalSeconds,
          },
        ]),
      onStreamLost: () =>
        this.domainEvents.publish([{ type: 'server.streamLost', server: server.name, at: Date.now() }]),
    });
    const encoder = new DeltaEncoder();
    session.onChange((live) => {
      const last = this.#lastLive.get(live.name);
      const facts = transitions(last?.live ?? null, live, last?.memory ?? NEW_MEMORY, Date.now());
      this.#lastLive.set(live.name, { live, memory: facts.memory });
      this.domainEvents.publish(facts.events);
      this.#readNamesOnce(server, live);
      const delta = encoder.encode(live);
      this.#synced.set(live.name, { name: live.name, seq: delta.seq, live });
      this.#emit('fleet:server', live);
      this.#emit('fleet:delta', delta);
    });
    this.#sessions.set(server.name, session);
    session.start();
  }

  /**
   * Peer names come from the config files, which monitoring does not read. For a root login, read
   * them once the session is up. Through sudo, only `wg` may be allowed: a `sudo /bin/sh` attempt
   * would be a failed sudo in the server's auth log, so there names come from peer operations.
   */
  #readNamesOnce(server: ServerConfig, live: ServerLive): void {
    if (live.state !== 'connected' || live.interfaces.length === 0) return;
    if (server.sudo || server.user !== 'root' || this.#namesRead.has(server.name)) return;
    this.#namesRead.add(server.name);
    this.#peers
      .learnNames(
        server.name,
        live.interfaces.map((i) => i.name),
      )
      .catch((error: unknown) => this.#options.log?.(`peer names of ${server.name}: ${errorMessage(error)}`));
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
    this.#forgetSession(name);
  }

  #forgetSession(name: string): void {
    this.#lastLive.delete(name);
    this.#sessions.get(name)?.stop();
    this.#sessions.delete(name);
    this.#synced.delete(name);
    this.#names.forget(name);
    this.#namesRead.delete(name);
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

  /** The live session's connection to `server`, if it runs with this very config. */
  #sessionConnection(server: ServerConfig): SshSession | null {
    const session = this.#sessions.get(server.name);
    if (!session || JSON.stringify(session.server) !== JSON.stringify(server)) return null;
    return session.lease();
  }

  async #dialNew(server: ServerConfig): Promise<SshSession> {
    return dial(await dialOptionsFor(server, this.#gate(server), await this.#credentials(server)));
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
    this.#applySettings(next);
    return next;
  }

  /** Applies settings (changed here or by another process), touching only what they affect. */
  #applySettings(next: Settings): void {
    const before = this.#settings;
    this.#settings = next;
    if (!before) return;
    const effects = settingsEffects(before, next);
    if (effects.thresholds)
      for (const session of this.#sessions.values()) session.setThresholds(next.thresholds);
    if (effects.retention && this.#history) this.#history.retention = next.retention;
    if (effects.reconnectGlobalInterval) {
      for (const session of this.#sessions.values()) {
        if (session.server.intervalSeconds === undefined)
          session.restart({ intervalSeconds: next.intervalSeconds });
      }
    }
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
