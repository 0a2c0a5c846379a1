import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ExporterStatus } from '../../../shared/exporter-settings.ts';
import type { MetricNameProfile } from '../../../shared/exporter-settings.ts';
import { ExpositionWriter } from './exposition.ts';
import type { FleetSeries } from './fleet-series.ts';

/**
 * What `GET /metrics` answers: the fleet's series (read from the fleet at scrape time: nothing is kept
 * between scrapes, so a peer or server that is gone is gone from the next one), then WG Deck's own
 * process metrics (`wgdeck_process_*`, `wgdeck_nodejs_*`) from prom-client, in prom-client's content type.
 *
 * Why the fleet's families are not prom-client Counters and Gauges: those hash every label set into
 * their own map on each set() and escape every label on each scrape; at 10,000 peers (60,000 series)
 * that took 286 ms a scrape with set() and 215 ms with prom-client printing our own collectors, against
 * a bar of 100 ms. ExpositionWriter keeps each series' printed labels between scrapes instead.
 */
export class MetricsPage {
  readonly #registry = new Registry();
  readonly #writer: ExpositionWriter;
  readonly #series: () => FleetSeries;

  constructor(
    profile: MetricNameProfile,
    series: () => FleetSeries,
    push: () => ExporterStatus['push'] = () => ({
      state: 'off',
      lastPushAt: null,
      backlogSamples: 0,
      backlogBytes: 0,
      error: null,
    }),
  ) {
    this.#writer = new ExpositionWriter(profile);
    this.#series = series;
    collectDefaultMetrics({ register: this.#registry, prefix: 'wgdeck_' });
    this.#registerPushGauges(push);
    // prom-client names three gauges `*_total`, which promtool (rightly) refuses: counts of what is
    // open now are not counters. They say nothing an admin of WireGuard needs.
    for (const gauge of ['active_handles_total', 'active_requests_total', 'active_resources_total'])
      this.#registry.removeSingleMetric(`wgdeck_nodejs_${gauge}`);
  }

  /** The VictoriaMetrics push's state, read at scrape time: what an alert on a stuck push needs. */
  #registerPushGauges(push: () => ExporterStatus['push']): void {
    const gauge = (name: string, help: string, value: (s: ExporterStatus['push']) => number): void => {
      new Gauge({
        name,
        help,
        registers: [this.#registry],
        collect() {
          this.set(value(push()));
        },
      });
    };
    gauge(
      'wgdeck_push_backlog_samples',
      'Samples waiting to be pushed to VictoriaMetrics (memory and disk).',
      (s) => s.backlogSamples,
    );
    gauge(
      'wgdeck_push_backlog_bytes',
      'Bytes of samples waiting to be pushed to VictoriaMetrics.',
      (s) => s.backlogBytes,
    );
    gauge(
      'wgdeck_push_failing',
      '1 while pushes to VictoriaMetrics fail (samples are buffered), else 0.',
      (s) => (s.state === 'failing' ? 1 : 0),
    );
    gauge(
      'wgdeck_push_last_success_timestamp_seconds',
      'Unix time of the last push VictoriaMetrics took; 0 before one.',
      (s) => (s.lastPushAt ?? 0) / 1000,
    );
  }

  get contentType(): string {
    return this.#registry.contentType;
  }

  async render(): Promise<string> {
    const fleet = this.#writer.write(this.#series(), { help: true });
    return fleet + (await this.#registry.metrics());
  }
}
