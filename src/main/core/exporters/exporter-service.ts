import type { ServerLive, Snapshot } from '../../../shared/domain.ts';
import {
  EXPORTERS_OFF,
  type ExporterStatus,
  type MetricsSettings,
  type VictoriaMetricsSettings,
} from '../../../shared/exporter-settings.ts';
import type { DomainEventBus } from '../bus/domain-events.ts';
import { errorMessage } from '../errors.ts';
import type { SessionStats } from '../fleet/server-session.ts';
import { fleetSeries, type ServerMetricsInput } from './fleet-series.ts';
import { startMetricsEndpoint, type MetricsEndpoint } from './metrics-endpoint.ts';
import { MetricsPage } from './metrics-page.ts';

export interface ExporterDeps {
  bus: DomainEventBus;
  /** The fleet now (its sessions' live states). */
  live: () => ServerLive[];
  stats: () => Map<string, Readonly<SessionStats>>;
  nameOf: (server: string, iface: string, publicKey: string) => string | null;
  log?: (message: string) => void;
}

/**
 * A sink for every poll of every server (the VictoriaMetrics push): handed each server's metrics input
 * after its live state was updated, in the order frames arrive.
 */
export interface PollSink {
  onPoll(input: ServerMetricsInput): void;
  status(): ExporterStatus['push'];
  /** A server was removed: what is kept for it goes. */
  forget?(server: string): void;
  /** Sends or saves what is still held, then stops (SIGTERM, settings changed). */
  close(): Promise<void>;
}

/**
 * The exporters (seeds 000–002, 004): the Prometheus endpoint, and sinks fed every poll. It knows the
 * fleet only through what it is handed (live states, session stats, each frame from the bus), and
 * is restarted by settings changes without touching any session.
 */
export class ExporterService {
  readonly #deps: ExporterDeps;
  readonly #frames = new Map<string, { netdev: Snapshot['netdev']; intervalSeconds: number }>();
  #endpoint: MetricsEndpoint | null = null;
  #endpointError: string | null = null;
  #sink: PollSink | null = null;
  #sinkError: string | null = null;
  #unsubscribe: (() => void) | null = null;
  /** Serializes reconfiguration: a burst of settings changes applies one at a time. */
  #configuring: Promise<void> = Promise.resolve();

  constructor(deps: ExporterDeps) {
    this.#deps = deps;
  }

  /** Every server's metrics input now. */
  inputs(): ServerMetricsInput[] {
    const stats = this.#deps.stats();
    return this.#deps.live().map((live) => this.#input(live, stats.get(live.name)));
  }

  #input(live: ServerLive, stats: Readonly<SessionStats> | undefined): ServerMetricsInput {
    const last = this.#frames.get(live.name);
    return { live, netdev: last?.netdev ?? null, stats, intervalSeconds: last?.intervalSeconds };
  }

  /** Each frame's device counters are kept (for devices other than WireGuard's); forgotten with their server. */
  start(): void {
    this.#unsubscribe ??= this.#deps.bus.subscribe((event) => {
      if (event.type === 'server.sample') {
        this.#frames.set(event.server, {
          netdev: event.snapshot.netdev,
          intervalSeconds: event.intervalSeconds,
        });
      }
    });
  }

  /** A server's live state was updated: the sinks get its metrics. */
  onLive(live: ServerLive): void {
    if (!this.#sink) return;
    try {
      this.#sink.onPoll(this.#input(live, this.#deps.stats().get(live.name)));
    } catch (error) {
      this.#deps.log?.(`exporters: ${errorMessage(error)}`);
    }
  }

  forget(server: string): void {
    this.#frames.delete(server);
    this.#sink?.forget?.(server);
  }

  /**
   * Applies the settings: (re)starts or stops `/metrics`, and swaps the poll sink. `makeSink` builds
   * the VictoriaMetrics push from its settings and the metric names in use (null: none).
   */
  configure(
    metrics: MetricsSettings,
    vm: VictoriaMetricsSettings,
    makeSink: (vm: VictoriaMetricsSettings, names: MetricsSettings['names']) => PollSink | null = () => null,
  ): Promise<void> {
    this.#configuring = this.#configuring.then(async () => {
      await this.#closeEndpoint();
      if (metrics.listen !== null) {
        const page = new MetricsPage(
          metrics.names,
          () => fleetSeries(this.inputs(), metrics.names, this.#deps.nameOf),
          () => this.status().push,
        );
        try {
          this.#endpoint = await startMetricsEndpoint(metrics.listen, page);
        } catch (error) {
          this.#endpointError = errorMessage(error);
          this.#deps.log?.(`metrics: ${this.#endpointError}`);
        }
      }
      await this.#sink?.close();
      this.#sink = null;
      this.#sinkError = null;
      try {
        this.#sink = makeSink(vm, metrics.names);
      } catch (error) {
        // The data directory's buffer could not be opened: said in the status, and the rest runs.
        this.#sinkError = errorMessage(error);
        this.#deps.log?.(`victoria-metrics: ${this.#sinkError}`);
      }
    });
    return this.#configuring;
  }

  /** Throws when `/metrics` could not listen (for `wgdeck serve --metrics`, which must say so). */
  get endpointError(): string | null {
    return this.#endpointError;
  }

  status(): ExporterStatus {
    return {
      metrics: { url: this.#endpoint?.url ?? null, error: this.#endpointError },
      push:
        this.#sink?.status() ??
        (this.#sinkError
          ? { ...EXPORTERS_OFF.push, state: 'failing', error: this.#sinkError }
          : EXPORTERS_OFF.push),
    };
  }

  async #closeEndpoint(): Promise<void> {
    this.#endpointError = null;
    const endpoint = this.#endpoint;
    this.#endpoint = null;
    await endpoint?.close();
  }

  /**
   * Stops the endpoint and flushes the sinks (what SIGTERM waits for); returns how the push was left
   * (what stayed in the outage buffer for the next run).
   */
  async stop(): Promise<ExporterStatus['push']> {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.#configuring;
    await this.#closeEndpoint();
    const sink = this.#sink;
    this.#sink = null;
    await sink?.close();
    return sink?.status() ?? EXPORTERS_OFF.push;
  }
}
