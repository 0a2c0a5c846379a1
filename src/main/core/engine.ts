import type { ApiEvents, ApiHandlers, AppInfo, EventName } from '../../shared/api.ts';
import type { ServerLive } from '../../shared/domain.ts';
import type { ServerConfig } from '../../shared/server-config.ts';
import type { Settings } from '../../shared/settings.ts';
import { AlertService } from './alerts/alert-service.ts';
import { DomainEventBus } from './bus/domain-events.ts';
import { ContractEvents } from './contract-events.ts';
import { WgDeckError, errorMessage } from './errors.ts';
import { EventRecorder } from './events/event-recorder.ts';
import { ExporterService, type PollSink } from './exporters/exporter-service.ts';
import { FleetService } from './fleet/fleet-service.ts';
import type { SessionStats } from './fleet/server-session.ts';
import { GroupService } from './groups/group-service.ts';
import { HistoryService } from './history/history-service.ts';
import { LifecycleService } from './lifecycle/lifecycle-service.ts';
import { logEntryFor } from './events/event-recorder.ts';
import { VmChartReader } from './history/vm-history.ts';
import { PeerNamesService } from './peer-ops/peer-names.ts';
import { PeerService } from './peer-ops/peer-service.ts';
import { MemorySecretStore, type SecretStore } from './secrets.ts';
import {
  VM_SECRET_ID,
  type MetricNameProfile,
  type ExporterStatus,
  type MetricsSettings,
  type VictoriaMetricsSettings,
} from '../../shared/exporter-settings.ts';
import { victoriaMetricsSink } from './exporters/victoria/index.ts';
import { ServerService } from './servers/server-service.ts';
import { SettingsService } from './settings/settings-service.ts';
import { PeerNamesStore } from './store/peer-names-store.ts';
import type { SettingsStore } from './store/settings-store.ts';
import type { ServerStore } from './store/server-store.ts';
import type { TrustStore } from './ssh/trust-store.ts';
import { watchDataFile } from './store/watch-data-file.ts';

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
  /**
   * Builds the VictoriaMetrics push from its settings, its secret (password or token; undefined when
   * none is kept) and the metric names in use. Default: victoriaMetricsSink (buffer in the data dir).
   */
  victoriaMetrics?: (
    settings: VictoriaMetricsSettings,
    secret: () => Promise<string | undefined>,
    names: MetricNameProfile,
  ) => PollSink | null;
  /**
   * Exporter settings for this run instead of the saved ones (`wgdeck collect` and `serve` flags: a
   * unit's command line is its configuration), and the VictoriaMetrics secret read from a file.
   */
  exportersOverride?: {
    metrics?: MetricsSettings;
    victoriaMetrics?: VictoriaMetricsSettings;
    vmSecret?: string;
  };
  /**
   * Delta frames (issue 14): the collector sends a whole `wg` dump every this many frames and only
   * what changed in between. Default 60; 0 sends every frame whole (the fallback, and the benchmark's
   * and lab test's reference).
   */
  keyframeEvery?: number;
  /** Test hook (lab): runs right after a peer change is applied live, before it is verified. */
  afterLiveChange?: (server: string, iface: string) => Promise<void>;
}

export const APP_VERSION = '0.1.0';

/**
 * The composition root: builds the services, wires them to each other and to the bus, and serves the
 * contract's handlers and events. Every front end (Electron IPC, browser-mode WebSocket, CLI) talks
 * to an Engine and nothing else; the work itself is the services':
 * - servers  (servers/): servers.json, trusted host keys, credentials, first contact, new connections
 * - fleet    (fleet/): one live session per server, live state, domain facts and deltas
 * - peers    (peer-ops/): peer operations over the session's connection, peer names
 * - history  (history/): records what the bus carries, answers queries
 * - events   (events/): the event log, written where history is recorded
 * - groups   (groups/): groups.json, and placement within a group
 * - settings (settings/): settings.json, and what a change restarts
 * - alerts   (alerts/): alerts.json, rules evaluated against the bus, firing list, webhook
 * - exporters (exporters/): the Prometheus endpoint, the VictoriaMetrics push
 * - lifecycle (lifecycle/): quotas, expiry and schedules judged per frame, enforced by peer changes
 */
export class Engine {
  /**
   * What happened in the fleet (server up/down/back, reboots, peer status, sessions, roaming,
   * counter resets), each fact once: what history, the event log, alerts and exporters subscribe to.
   */
  readonly domainEvents: DomainEventBus;
  readonly handlers: ApiHandlers;
  readonly #options: EngineOptions;
  readonly #events = new ContractEvents();
  readonly #servers: ServerService;
  readonly #settings: SettingsService;
  readonly #fleet: FleetService;
  readonly #groups: GroupService;
  readonly #eventLog: EventRecorder;
  readonly #history: HistoryService;
  readonly #peers: PeerService;
  readonly #names: PeerNamesService;
  readonly #alerts: AlertService;
  readonly #namesStore: PeerNamesStore;
  readonly #exporters: ExporterService;
  readonly #lifecycle: LifecycleService;
  #started = false;
  /** Stops watching servers.json, settings.json and peer-names.json (changes made by other processes). */
  #unwatch: (() => void)[] = [];
  /** Serializes reloads: a burst of changes to a file is applied one reload at a time. */
  #reloading: Promise<void> = Promise.resolve();

  constructor(options: EngineOptions) {
    this.#options = options;
    const log = options.log;
    this.domainEvents = new DomainEventBus((error, event) =>
      log?.(`${event.type} subscriber: ${errorMessage(error)}`),
    );
    this.#history = new HistoryService({
      dataDir: options.dataDir,
      bus: this.domainEvents,
      records: options.recordHistory === true,
      log,
    });
    this.#eventLog = new EventRecorder({
      bus: this.domainEvents,
      store: () => this.#history.recording,
      nameOf: (server, iface, key) => this.#names.nameOf(server, iface, key),
      log,
    });
    this.#settings = new SettingsService(options.dataDir, (next, effects) => {
      if (effects.thresholds) this.#fleet.setThresholds(next.thresholds);
      if (effects.retention) this.#history.retention = next.retention;
      if (effects.exporters && this.#started) void this.#configureExporters(next);
      if (effects.restartPing) this.#fleet.setPing(next.ping);
      else if (effects.reconnectGlobalInterval) this.#fleet.setGlobalInterval(next.intervalSeconds);
    });
    this.#servers = new ServerService({
      dataDir: options.dataDir,
      secrets: options.secrets ?? new MemorySecretStore(),
      userKnownHostsPath: options.userKnownHostsPath,
      sshConfigPath: options.sshConfigPath,
      thresholds: async () => (await this.#settings.get()).thresholds,
    });
    this.#namesStore = new PeerNamesStore(options.dataDir);
    this.#names = new PeerNamesService({
      emit: (names) => this.#events.emit('peers:names', names),
      log,
      store: this.#namesStore,
    });
    this.#peers = new PeerService({
      getServer: (name) => this.#servers.store.get(name),
      connect: async (server) => this.#fleet.lease(server) ?? this.#servers.dialNew(server),
      connectNew: (server) => this.#servers.dialNew(server),
      secrets: this.#servers.secrets,
      emit: (event) => {
        this.#eventLog.onChange(event);
        this.#events.emit('peers:tx', event);
      },
      log,
      afterLiveChange: options.afterLiveChange,
      onFileText: (server, iface, text) => this.#names.learn(server, iface, text),
      onVerifiedLive: (server, iface, live) => this.#fleet.showVerified(server, iface, live),
      onDrift: (server, report) => this.#eventLog.onDrift(server, report),
    });
    this.#fleet = new FleetService({
      gate: (server) => this.#servers.gate(server),
      credentials: (server) => this.#servers.credentials(server),
      events: this.#events,
      domainEvents: this.domainEvents,
      log,
      onLive: (server, live) => {
        this.#names.onLive(server, live, (name, ifaces) => this.#peers.learnNames(name, ifaces));
        this.#exporters.onLive(live);
      },
      onForget: (name) => {
        this.#names.forget(name);
        this.#lifecycle.forget(name);
        this.#exporters.forget(name);
      },
      peerOptions: (server, iface) => this.#names.optionsOf(server, iface),
      peerUsage: (server, iface) => this.#lifecycle.usageOf(server, iface),
      keyframeEvery: options.keyframeEvery,
    });
    this.#servers.attachFleet({
      run: async (server) => {
        if (this.#started) this.#fleet.run(server, await this.#settings.get());
      },
      restart: (name) => this.#fleet.restart(name),
      has: (name) => this.#fleet.has(name),
      forget: (name) => this.#fleet.forget(name),
    });
    this.#groups = new GroupService({
      dataDir: options.dataDir,
      servers: this.#servers.store,
      settings: () => this.#settings.get(),
      // A running fleet's state is fresh; a one-shot process (the CLI) reads each server twice, 1 s
      // apart, for the CPU figure placement weighs.
      live: async (names) =>
        this.#started ? this.#fleet.live() : await this.#servers.pollOnce(names, { samples: 2 }),
    });
    this.#alerts = new AlertService({
      dataDir: options.dataDir,
      bus: this.domainEvents,
      live: () => this.#fleet.live(),
      nameOf: (server, iface, key) => this.#names.nameOf(server, iface, key),
      onChange: (firing) => this.#events.emit('alerts:changed', firing),
      primary: () => this.#history.recording !== null,
      log,
    });
    this.#exporters = new ExporterService({
      bus: this.domainEvents,
      live: () => this.#fleet.live(),
      stats: () => this.#fleet.stats(),
      nameOf: (server, iface, key) => this.#names.nameOf(server, iface, key),
      log,
    });
    this.#lifecycle = new LifecycleService({
      bus: this.domainEvents,
      store: () => this.#history.recording,
      rulesOf: (server, iface) => this.#names.lifecycleOf(server, iface),
      readThisRun: (server, iface) => this.#names.readThisRun(server, iface),
      change: (request) => this.#peers.change(request),
      log,
    });
    // What the enforcer did is a notification too (the app's shell shows it; the log keeps it).
    this.domainEvents.subscribe((event) => {
      if (event.type !== 'peer.lifecycle') return;
      const entry = logEntryFor(event, (server, iface, key) => this.#names.nameOf(server, iface, key));
      if (entry) this.#events.emit('peers:lifecycle', entry);
    });
    this.handlers = this.#handlers();
  }

  /**
   * Only the processes that record history export (the app, `serve`, `collect`): a one-shot command
   * or `watch` beside them would push every sample twice and compete for the metrics port.
   */
  #configureExporters(settings: Settings): Promise<void> {
    if (!this.#options.recordHistory) return Promise.resolve();
    const override = this.#options.exportersOverride;
    const fileSecret = override?.vmSecret;
    const secret = (): Promise<string | undefined> =>
      fileSecret !== undefined ? Promise.resolve(fileSecret) : this.#servers.secrets.getItem(VM_SECRET_ID);
    const make =
      this.#options.victoriaMetrics ??
      ((vm: VictoriaMetricsSettings, _secret: typeof secret, names: MetricNameProfile) =>
        victoriaMetricsSink(vm, secret, {
          dataDir: this.#options.dataDir,
          names,
          nameOf: (server, iface, key) => this.#names.nameOf(server, iface, key),
          log: this.#options.log,
        }));
    return this.#exporters.configure(
      override?.metrics ?? settings.metrics,
      override?.victoriaMetrics ?? settings.victoriaMetrics,
      (vm, names) => make(vm, secret, names),
    );
  }

  /** The exporters' state (for `wgdeck serve --metrics` and `wgdeck collect`, which report it). */
  exporterStatus(): ReturnType<ExporterService['status']> {
    return this.#exporters.status();
  }

  get servers(): ServerStore {
    return this.#servers.store;
  }

  /** `server:importSshConfig` for another config file (`wgdeck server import --ssh-config FILE`). */
  importSshConfig(path?: string): ReturnType<ServerService['importSshConfig']> {
    return this.#servers.importSshConfig(path);
  }

  get settingsStore(): SettingsStore {
    return this.#settings.store;
  }

  get trust(): TrustStore {
    return this.#servers.trust;
  }

  get secrets(): SecretStore {
    return this.#servers.secrets;
  }

  #handlers(): ApiHandlers {
    const servers = this.#servers;
    const peers = this.#peers;
    const history = this.#history;
    const alerts = this.#alerts;
    // Charts read VictoriaMetrics too (settings.victoriaMetrics.readCharts) for spans local lacks.
    const vm = new VmChartReader({
      settings: () => this.#settings.get(),
      secret: () => servers.secrets.getItem(VM_SECRET_ID),
      log: this.#options.log,
    });
    return {
      'app:info': () =>
        Promise.resolve({
          version: APP_VERSION,
          dataDir: this.#options.dataDir,
          host: this.#options.host ?? 'cli',
          canPersistSecrets: servers.secrets.canPersist,
        }),
      'server:list': () => servers.list(),
      'server:add': (input) => servers.add(input),
      'server:remove': (name) => servers.remove(name),
      'server:update': (server) => servers.update(server),
      'server:reconnect': (name) => servers.reconnect(name),
      'server:setCredentials': (name, credentials) => servers.setCredentials(name, credentials),
      'server:importSshConfig': () => servers.importSshConfig(),
      'server:retrust': (name, fingerprint) => servers.retrust(name, fingerprint),
      'server:probeHostKey': (name) => servers.probeHostKey(name),
      'group:list': () => this.#groups.list(),
      'group:add': (group) => this.#groups.add(group),
      'group:update': (group) => this.#groups.update(group),
      'group:remove': (name) => this.#groups.remove(name),
      'placement:rank': (group) => this.#groups.rank(group),
      'fleet:state': () => Promise.resolve(this.#fleet.live()),
      'fleet:sync': () => Promise.resolve(this.#fleet.synced()),
      'history:peer': async (q) => vm.peer(q, await history.query((h) => h.peerSeries(q))),
      'history:interface': async (q) => vm.interface(q, await history.query((h) => h.interfaceSeries(q))),
      'history:server': async (q) => vm.server(q, await history.query((h) => h.serverSeries(q))),
      'history:fleet': async (q) => vm.fleet(q, await history.query((h) => h.fleetSeries(q))),
      'history:usage': (q) => history.query((h) => h.usage(q)),
      'events:list': (q) => Promise.resolve(history.events(q)),
      'history:events': (q) =>
        history.query((h) => ({ handshakes: h.handshakes(q), endpoints: h.endpointChanges(q) })),
      'peers:read': (server, iface) => peers.read(server, iface),
      'peers:names': () => this.#names.all(),
      'peers:interfaces': (server) => peers.interfaces(server),
      'peers:drift': (server) => peers.drift(server),
      'peers:preview': (request) => peers.preview(request),
      'peers:apply': (request) => peers.apply(request),
      'peers:discard': (planId) => Promise.resolve(peers.discard(planId)),
      'peers:change': (request) => peers.change(request),
      'peers:clientConfig': (server, iface, key) => peers.clientConfig(server, iface, key),
      'alert:list': () => alerts.list(),
      'alert:add': (rule) => alerts.add(rule),
      'alert:update': (rule) => alerts.update(rule),
      'alert:remove': (id) => alerts.remove(id),
      'alert:snooze': (id, snooze) => alerts.snooze(id, snooze),
      'alerts:firing': () => Promise.resolve(alerts.firing()),
      'alert:webhook': () => alerts.webhook(),
      'alert:setWebhook': (settings) => alerts.setWebhook(settings),
      'alert:testWebhook': (url) => alerts.testWebhook(url),
      'exporters:status': () => Promise.resolve(this.#exporters.status()),
      'exporters:setVmSecret': async (secret) => {
        if (secret === null) await servers.secrets.setItem(VM_SECRET_ID, '', true);
        else await servers.secrets.setItem(VM_SECRET_ID, secret, true);
        if (this.#started) await this.#configureExporters(await this.#settings.get());
      },
      'exporters:vmSecretSet': async () => Boolean(await servers.secrets.getItem(VM_SECRET_ID)),
      'settings:get': () => this.#settings.get(),
      'settings:update': (patch) => this.#settings.update(patch),
    };
  }

  subscribe<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    return this.#events.subscribe(event, listener);
  }

  /** Starts a live session per stored server (or only the named ones). */
  async start(names?: string[]): Promise<void> {
    this.#started = true;
    const settings = await this.#settings.get();
    this.#history.open(settings.retention);
    this.#alerts.start();
    this.#exporters.start();
    this.#lifecycle.start();
    await this.#configureExporters(settings);
    for (const server of await this.#servers.list()) {
      if (!names || names.includes(server.name)) this.#fleet.run(server, settings);
    }
    if (names) {
      const unknown = names.filter((n) => !this.#fleet.has(n));
      if (unknown.length > 0) throw new WgDeckError('NO_SUCH_SERVER', `No server named "${unknown[0]}".`);
    } else if (this.#unwatch.length === 0) {
      // The whole fleet: follow what other processes on this data dir change (a server added with
      // `wgdeck server add` while the app runs connects here within seconds).
      this.#unwatch.push(
        watchDataFile(
          this.servers.path,
          this.#reload(() => this.#syncFleet()),
        ),
        watchDataFile(
          this.settingsStore.path,
          this.#reload(() => this.#settings.reload()),
        ),
        watchDataFile(this.#namesStore.path, () => this.#names.reload()),
        watchDataFile(this.#alerts.store.path, () => void this.#alerts.reload()),
      );
    }
  }

  #reload(what: () => Promise<void>): () => void {
    return () => {
      this.#reloading = this.#reloading.then(what).catch((error: unknown) => {
        this.#options.log?.(`data dir: ${errorMessage(error)}`);
      });
    };
  }

  /** servers.json changed: new servers start, removed stop, changed restart. */
  async #syncFleet(): Promise<void> {
    if (!this.#started) return;
    const servers: ServerConfig[] = await this.#servers.list();
    const settings: Settings = await this.#settings.get();
    this.#fleet.sync(servers, settings);
  }

  /** Each running session's own figures (frames, bytes received, reconnects), by server name. */
  collectorStats(): Map<string, Readonly<SessionStats>> {
    return this.#fleet.stats();
  }

  stop(): void {
    this.#started = false;
    for (const unwatch of this.#unwatch.splice(0)) unwatch();
    this.#fleet.stop();
    this.#alerts.stop();
    this.#lifecycle.stop();
    void this.#exporters.stop();
    this.#history.close();
  }

  /**
   * Like stop(), and waits until the exporters have sent or saved what they hold (SIGTERM in
   * `wgdeck collect`: nothing pushed is lost, nothing sent twice).
   */
  async stopAndFlush(): Promise<ExporterStatus['push']> {
    this.#started = false;
    for (const unwatch of this.#unwatch.splice(0)) unwatch();
    this.#fleet.stop();
    this.#alerts.stop();
    this.#lifecycle.stop();
    await this.#lifecycle.idle();
    const push = await this.#exporters.stop();
    this.#history.close();
    return push;
  }

  /** A peer's name as the config files know it now, or null (for logs that name peers). */
  nameOf(server: string, iface: string, publicKey: string): string | null {
    return this.#names.nameOf(server, iface, publicKey);
  }

  /** Resolves once every peer name learned or forgotten so far is remembered in the data dir. */
  settled(): Promise<void> {
    return this.#names.settled();
  }

  /** One frame from each server (or the named ones), concurrently; failures become states. */
  pollOnce(names?: string[], options?: { samples?: 1 | 2 }): Promise<ServerLive[]> {
    return this.#servers.pollOnce(names, options);
  }
}
