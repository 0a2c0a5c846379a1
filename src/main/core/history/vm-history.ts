import type { Settings } from '../../../shared/settings.ts';
import type {
  FleetQuery,
  FleetSeries,
  GaugeSeries,
  InterfaceQuery,
  InterfaceSeries,
  PeerQuery,
  PeerSeries,
  RateSeries,
  ServerQuery,
  ServerSeries,
} from '../../../shared/history.ts';
import { bucketsToFill, gapsAfterFill, locallyComplete, pick, sourceSpans } from './source-merge.ts';
import { fleetQuery, interfaceQuery, peerQueries, serverQuery, type ServerGauge } from './vm-queries.ts';
import {
  queryRange,
  VmReadError,
  type BucketGrid,
  type RangeColumns,
  type VmReadTarget,
} from './vm-range-source.ts';

/**
 * The `history:*` chart answers with VictoriaMetrics merged in (source-merge.ts has the rule), when
 * `victoriaMetrics.url` is set and `readCharts` is on. The local answer always comes first and is
 * never lost: VM is asked only when some bucket has no local data, and when it cannot be read the
 * local answer is returned with the reason (`victoriaMetrics.error`).
 */

type Column = readonly (number | null)[];
type Frame = { t: number[]; step: number; gaps: PeerSeries['gaps'] };

export interface VmChartReaderOptions {
  settings: () => Promise<Settings>;
  /** VictoriaMetrics' password or token from the keychain (undefined or '': none). */
  secret: () => Promise<string | undefined>;
  log?: (message: string) => void;
}

const EMPTY: Column = [];

function grid(frame: Frame): BucketGrid {
  return { t0: frame.t[0] ?? 0, step: frame.step, n: frame.t.length };
}

export class VmChartReader {
  readonly #options: VmChartReaderOptions;

  constructor(options: VmChartReaderOptions) {
    this.#options = options;
  }

  /** Where to read, or null when chart reads are off. */
  async #target(): Promise<{ target: VmReadTarget; settings: Settings } | null> {
    const settings = await this.#options.settings();
    const vm = settings.victoriaMetrics;
    if (!vm.url || !vm.readCharts) return null;
    const secret = (await this.#options.secret()) || undefined;
    return { settings, target: { url: vm.url, auth: vm.auth, username: vm.username, secret } };
  }

  /**
   * The frame-level work every chart kind shares: decide whether to ask, ask (`fetch` returns VM's
   * columns for the frame's grid), then let `apply` build the merged series from the fill mask.
   */
  async #merge<T extends Frame>(
    q: { from: number; to: number },
    local: T,
    localColumns: readonly Column[],
    fetch: (target: VmReadTarget, settings: Settings, grid: BucketGrid) => Promise<Column[]>,
    apply: (fill: boolean[]) => Partial<T>,
  ): Promise<T> {
    const n = local.t.length;
    const allLocal = () => ({ ...local, sources: sourceSpans(local, localColumns, null, q.from, q.to) });
    const read = await this.#target();
    if (!read) return allLocal();
    if (locallyComplete(n, localColumns)) return { ...allLocal(), victoriaMetrics: { error: null } };
    let remote: Column[];
    try {
      remote = await fetch(read.target, read.settings, grid(local));
    } catch (error) {
      const message = error instanceof VmReadError ? error.message : String(error);
      this.#options.log?.(`VictoriaMetrics chart read: ${message}`);
      return { ...allLocal(), victoriaMetrics: { error: message } };
    }
    const fill = bucketsToFill(n, localColumns, remote);
    const sources = sourceSpans(local, localColumns, fill, q.from, q.to);
    return {
      ...local,
      ...apply(fill),
      gaps: gapsAfterFill(local.gaps, sources, q.from, q.to),
      sources,
      victoriaMetrics: { error: null },
    };
  }

  peer(q: PeerQuery, local: PeerSeries): Promise<PeerSeries> {
    let rx: RangeColumns = new Map();
    let tx: RangeColumns = new Map();
    return this.#merge(
      q,
      local,
      [local.rxRate, local.txRate],
      async (target, settings, g) => {
        const queries = peerQueries({ ...q, step: local.step }, settings.metrics.names);
        [rx, tx] = await Promise.all([queryRange(target, queries.rx, g), queryRange(target, queries.tx, g)]);
        return [rx.get('rate') ?? EMPTY, tx.get('rate') ?? EMPTY];
      },
      (fill) => ({
        rxRate: pick(local.rxRate, rx.get('rate'), fill),
        rxMin: pick(local.rxMin, rx.get('min'), fill),
        rxMax: pick(local.rxMax, rx.get('max'), fill),
        txRate: pick(local.txRate, tx.get('rate'), fill),
        txMin: pick(local.txMin, tx.get('min'), fill),
        txMax: pick(local.txMax, tx.get('max'), fill),
      }),
    );
  }

  interface(q: InterfaceQuery, local: InterfaceSeries): Promise<InterfaceSeries> {
    const names = q.counters.filter((c) => local.counters[c]);
    const remote = new Map<string, RangeColumns>();
    return this.#merge(
      q,
      local,
      names.map((c) => local.counters[c]!.rate),
      async (target, settings, g) => {
        const answers = await Promise.all(
          names.map((c) =>
            queryRange(target, interfaceQuery({ ...q, step: local.step }, c, settings.metrics.names), g),
          ),
        );
        names.forEach((c, k) => remote.set(c, answers[k]!));
        return answers.map((a) => a.get('rate') ?? EMPTY);
      },
      (fill) => {
        const counters: InterfaceSeries['counters'] = {};
        for (const c of names) {
          const mine: RateSeries = local.counters[c]!;
          const theirs = remote.get(c);
          counters[c] = {
            rate: pick(mine.rate, theirs?.get('rate'), fill),
            min: pick(mine.min, theirs?.get('min'), fill),
            max: pick(mine.max, theirs?.get('max'), fill),
          };
        }
        return { counters };
      },
    );
  }

  server(q: ServerQuery, local: ServerSeries): Promise<ServerSeries> {
    const wanted: ServerGauge[] = [];
    for (const m of q.metrics) {
      if (m === 'cpu') wanted.push('cpuRatio');
      else if (m === 'mem') wanted.push('memRatio', 'memTotal');
      else if (m === 'disk') wanted.push('diskRatio', 'diskTotal');
      else wanted.push('load1');
    }
    const keys = ['cpu', 'memUsed', 'memTotal', 'diskUsed', 'diskTotal', 'load1'] as const;
    const present = keys.filter((k) => local[k]);
    const vm = new Map<ServerGauge, RangeColumns>();
    const derived: Partial<Record<(typeof keys)[number], GaugeSeries>> = {};
    return this.#merge(
      q,
      local,
      present.map((k) => local[k]!.avg),
      async (target, _settings, g) => {
        const answers = await Promise.all(
          wanted.map((w) => queryRange(target, serverQuery({ server: q.server, step: local.step }, w), g)),
        );
        wanted.forEach((w, k) => vm.set(w, answers[k]!));
        Object.assign(derived, serverGauges(vm, g.n));
        return present.map((k) => derived[k]?.avg ?? EMPTY);
      },
      (fill) => {
        const out: Partial<ServerSeries> = {};
        for (const k of present) {
          const mine = local[k]!;
          const theirs = derived[k];
          out[k] = {
            avg: pick(mine.avg, theirs?.avg, fill),
            min: pick(mine.min, theirs?.min, fill),
            max: pick(mine.max, theirs?.max, fill),
          };
        }
        return out;
      },
    );
  }

  fleet(q: FleetQuery, local: FleetSeries): Promise<FleetSeries> {
    let vm: RangeColumns = new Map();
    return this.#merge(
      q,
      local,
      [local.rxRate, local.txRate],
      async (target, _settings, g) => {
        vm = await queryRange(target, fleetQuery(local.step), g);
        return [vm.get('rx') ?? EMPTY, vm.get('tx') ?? EMPTY];
      },
      (fill) => ({
        rxRate: pick(local.rxRate, vm.get('rx'), fill),
        txRate: pick(local.txRate, vm.get('tx'), fill),
        servers: pick(
          local.servers,
          vm.get('servers')?.map((v) => v ?? 0),
          fill,
        ),
      }),
    );
  }
}

/** VM's ratios and totals as the store's series: CPU in %, memory and disk used in bytes. */
function serverGauges(vm: Map<ServerGauge, RangeColumns>, n: number) {
  const col = (g: ServerGauge, k: 'avg' | 'min' | 'max') => vm.get(g)?.get(k);
  const gauge = (g: ServerGauge, scale = 1): GaugeSeries | undefined => {
    if (!vm.has(g)) return undefined;
    const map = (k: 'avg' | 'min' | 'max') =>
      Array.from({ length: n }, (_, i) => {
        const v = col(g, k)?.[i];
        return v === null || v === undefined ? null : v * scale;
      });
    return { avg: map('avg'), min: map('min'), max: map('max') };
  };
  /** used = ratio × the bucket's average total (the total hardly moves within a bucket). */
  const used = (ratio: ServerGauge, total: ServerGauge): GaugeSeries | undefined => {
    if (!vm.has(ratio) || !vm.has(total)) return undefined;
    const t = col(total, 'avg');
    const map = (k: 'avg' | 'min' | 'max') =>
      Array.from({ length: n }, (_, i) => {
        const r = col(ratio, k)?.[i];
        const tot = t?.[i];
        return r === null || r === undefined || tot === null || tot === undefined ? null : r * tot;
      });
    return { avg: map('avg'), min: map('min'), max: map('max') };
  };
  return {
    cpu: gauge('cpuRatio', 100),
    memUsed: used('memRatio', 'memTotal'),
    memTotal: gauge('memTotal'),
    diskUsed: used('diskRatio', 'diskTotal'),
    diskTotal: gauge('diskTotal'),
    load1: gauge('load1'),
  };
}
