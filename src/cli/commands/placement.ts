import type { Placement, PlacementRow } from '../../shared/placement.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { fitColumns, row, type Column } from '../fit-table.ts';

export type PlacementOptions = { group?: string; json?: true };

const COLUMNS: Column[] = [
  { width: 16, min: 8 }, // server
  { width: 11, align: 'right' }, // active/max
  { width: 6, align: 'right', drop: 2 }, // weight
  { width: 5, align: 'right' }, // cpu
  { width: 5, align: 'right' }, // mem
  { width: 6, align: 'right', drop: 1 }, // base
  { width: 6, align: 'right' }, // score
  { width: 12 }, // verdict
];
const HEADERS = ['SERVER', 'ACTIVE/MAX', 'WEIGHT', 'CPU', 'MEM', 'BASE', 'SCORE', 'VERDICT'];

const percent = (value: number | null) => (value === null ? '-' : `${Math.round(value)}%`);
const decimal = (value: number | null) => (value === null ? '-' : value.toFixed(3));

function cells(r: PlacementRow, chosen: string | null): string[] {
  const verdict = r.name === chosen ? 'chosen' : r.eligible ? 'eligible' : 'not eligible';
  return [
    r.name,
    `${r.activePeers}/${r.maxPeers ?? '-'}`,
    String(r.weight),
    percent(r.cpuPercent),
    percent(r.memoryPercent),
    decimal(r.base),
    decimal(r.score),
    verdict,
  ];
}

/** `wgdeck placement`: the ranking, best first, each score's parts; exit 1 when no server is eligible. */
export async function placement(ctx: CliContext, values: PlacementOptions): Promise<number> {
  const ranking: Placement = await ctx.engine.handlers['placement:rank'](values.group ?? null);
  if (values.json) {
    ctx.out(JSON.stringify(ranking, null, 2));
    return ranking.chosen === null ? EXIT.failure : EXIT.ok;
  }
  const scope = ranking.group === null ? 'every server' : `group ${ranking.group}`;
  if (ranking.servers.length === 0) {
    ctx.err(ranking.group === null ? 'No servers yet.' : `No servers in group ${ranking.group}.`);
    return EXIT.failure;
  }
  const width = ctx.columns();
  const widths = fitColumns(COLUMNS, width);
  ctx.out(row(HEADERS, COLUMNS, widths, width));
  for (const r of ranking.servers) ctx.out(row(cells(r, ranking.chosen), COLUMNS, widths, width));
  // Reasons below the table, whole: a cut reason ("ful…") explains nothing.
  for (const r of ranking.servers) if (r.reason) ctx.out(`${r.name}: ${r.reason}`);
  if (ranking.chosen === null) {
    ctx.err(`No server in ${scope} can take a new peer.`);
    return EXIT.failure;
  }
  const best = ranking.servers[0]!;
  ctx.out(
    `A new peer goes to ${best.name}: score ${decimal(best.score)} = base ${decimal(best.base)}` +
      ` + CPU ${best.cpuPenalty} + memory ${best.memoryPenalty}.`,
  );
  return EXIT.ok;
}
