import type { MetricNameProfile } from '../../../shared/exporter-settings.ts';
import type { CounterName } from '../../../shared/history.ts';
import {
  INTERFACE_COUNTER_FAMILIES,
  nameIn,
  PEER_FAMILIES,
  SERVER_FAMILIES,
  type MetricFamily,
} from '../exporters/metric-families.ts';

/**
 * The MetricsQL a chart asks VictoriaMetrics, in the names and labels the push writes
 * (exporters/metric-families.ts, docs/metrics.md), so VM's answer means what the local store's does:
 * - counters: `rate()` over the bucket (VictoriaMetrics takes the sample before the window too, so
 *   this is Σ Δ / Σ Δt over the bucket's steps like the store; a drop is a reset and counts the
 *   post-reset value, like the store's reset-adjusted cumulative), and `rollup_rate()`'s lowest and
 *   highest step rate for the band;
 * - gauges: `rollup()` (average, lowest and highest sample in the bucket).
 * `max` over duplicates: a series pushed by two collectors, or re-labelled (an `_info`-style label
 * that changed), is one series here, never counted twice.
 */

/** A label value as a MetricsQL string literal. */
export function quoteLabel(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function selector(metric: string, labels: Record<string, string>): string {
  const matchers = Object.entries(labels).map(([k, v]) => `${k}=${quoteLabel(v)}`);
  return `${metric}{${matchers.join(',')}}`;
}

const lookbehind = (stepMs: number) => `[${Math.max(1, Math.round(stepMs / 1000))}s]`;

/** Columns `rate` (average), `min`, `max` (rollup_rate's `avg` is unweighted: not used). */
export function counterQuery(sel: string, stepMs: number): string {
  const w = lookbehind(stepMs);
  return `union(label_set(max(rate(${sel}${w})), "rollup", "rate"), max by (rollup) (rollup_rate(${sel}${w})))`;
}

/** Columns `avg`, `min`, `max`. */
export function gaugeQuery(sel: string, stepMs: number): string {
  return `max by (rollup) (rollup(${sel}${lookbehind(stepMs)}))`;
}

const family = (f: MetricFamily, profile: MetricNameProfile) => nameIn(f, profile);

export function peerQueries(
  q: { server: string; iface: string; peer: string; step: number },
  profile: MetricNameProfile,
): { rx: string; tx: string } {
  const labels = { server: q.server, interface: q.iface, public_key: q.peer };
  return {
    rx: counterQuery(selector(family(PEER_FAMILIES.receiveBytes, profile), labels), q.step),
    tx: counterQuery(selector(family(PEER_FAMILIES.transmitBytes, profile), labels), q.step),
  };
}

export function interfaceQuery(
  q: { server: string; iface: string; step: number },
  counter: CounterName,
  profile: MetricNameProfile,
): string {
  const sel = selector(family(INTERFACE_COUNTER_FAMILIES[counter], profile), {
    server: q.server,
    interface: q.iface,
  });
  return counterQuery(sel, q.step);
}

/** The server's gauges VM has, and how the store's values derive from them (ratios → %, bytes). */
export const SERVER_GAUGES = {
  cpuRatio: SERVER_FAMILIES.cpuUsage,
  memRatio: SERVER_FAMILIES.memoryUsage,
  memTotal: SERVER_FAMILIES.memoryTotal,
  diskRatio: SERVER_FAMILIES.diskUsage,
  diskTotal: SERVER_FAMILIES.diskTotal,
  load1: SERVER_FAMILIES.load1,
} as const;
export type ServerGauge = keyof typeof SERVER_GAUGES;

export function serverQuery(q: { server: string; step: number }, gauge: ServerGauge): string {
  return gaugeQuery(selector(SERVER_GAUGES[gauge].name, { server: q.server }), q.step);
}

/**
 * The fleet: every WireGuard interface's rate summed (columns `rx`, `tx`), and how many servers
 * contributed (`servers`), like the store's fleet series.
 */
export function fleetQuery(stepMs: number): string {
  const w = lookbehind(stepMs);
  const rx = INTERFACE_COUNTER_FAMILIES.rxBytes.name;
  const tx = INTERFACE_COUNTER_FAMILIES.txBytes.name;
  const perIface = (name: string) => `max by (server, interface) (rate(${name}${w}))`;
  return (
    `union(label_set(sum(${perIface(rx)}), "rollup", "rx"), ` +
    `label_set(sum(${perIface(tx)}), "rollup", "tx"), ` +
    `label_set(count(max by (server) (rate(${rx}${w}))), "rollup", "servers"))`
  );
}
