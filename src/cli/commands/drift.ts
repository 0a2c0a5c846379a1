import type { InterfaceDrift } from '../../shared/peer-ops.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { UsageError } from '../usage-error.ts';
import { runOperation } from './peer.ts';

const label = (peer: { publicKey: string; name: string | null }): string =>
  peer.name === null ? peer.publicKey : `${peer.publicKey} (${peer.name})`;

function printDrift(ctx: CliContext, drifts: InterfaceDrift[]): void {
  for (const drift of drifts) {
    const report = drift.report;
    if (report === null) {
      ctx.out(`${drift.iface} (${drift.configPath}): not compared: ${drift.problem}`);
      continue;
    }
    ctx.out(`${drift.iface} (${drift.configPath}): ${report.inSync ? 'in sync' : 'DRIFT'}`);
    for (const peer of report.onlyLive) ctx.out(`  only live:           ${label(peer)}`);
    for (const peer of report.onlyFile) ctx.out(`  only in the file:    ${label(peer)}`);
    for (const peer of report.disabledButLive) ctx.out(`  disabled but live:   ${label(peer)}`);
    for (const peer of report.different) {
      ctx.out(`  different:           ${label(peer)}`);
      for (const d of peer.differences) ctx.out(`      ${d.field}: file ${d.file}, live ${d.live}`);
    }
    for (const d of report.interface) ctx.out(`  interface ${d.field}: file ${d.file}, live ${d.live}`);
  }
}

export type DriftOptions = {
  server: string;
  interface?: string;
  reconcile?: string;
  json?: true;
  dryRun?: true;
  yes?: true;
  confirmTimeout?: string;
};

/** Exit 0 when every interface is in sync, 1 when any drifted (scripts and monitoring can test it). */
export async function drift(ctx: CliContext, v: DriftOptions): Promise<number> {
  if (v.reconcile !== undefined) {
    if (v.reconcile !== 'file-to-live' && v.reconcile !== 'live-to-file')
      throw new UsageError('--reconcile is file-to-live or live-to-file');
    if (!v.interface) throw new UsageError('--reconcile needs --interface I');
    const result = await runOperation(
      ctx,
      { server: v.server, iface: v.interface },
      { kind: 'reconcile', direction: v.reconcile },
      v,
      undefined,
      true,
    );
    if (result !== null) {
      if (v.json) ctx.out(JSON.stringify(result, null, 2));
      else
        ctx.out(
          `${result.preview.summary.trimEnd()}\nReconciled (tier ${result.tier}); backup ${result.backup ?? 'none'}.`,
        );
    }
    return EXIT.ok;
  }
  const drifts = await ctx.engine.handlers['peers:drift'](v.server);
  if (v.json) ctx.out(JSON.stringify(drifts, null, 2));
  else printDrift(ctx, drifts);
  return drifts.some((d) => d.report !== null && !d.report.inSync) ? EXIT.failure : EXIT.ok;
}
