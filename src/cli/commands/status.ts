import type { CliContext } from '../context.ts';
import { EXIT, exitCodeForCode } from '../exit-codes.ts';
import { filterFleet, lifecycleLookup, namesLookup, type PeerFilter } from '../peer-filter.ts';
import { toStatusJson } from '../status-json.ts';
import { renderStatus } from '../status-view.ts';
import { UsageError } from '../usage-error.ts';
import type { PeerStatus } from '../../shared/domain.ts';

export type StatusOptions = {
  server?: string[];
  all?: true;
  json?: true;
  interface?: string;
  status?: PeerStatus;
  peer?: string;
};

/**
 * One snapshot of the fleet. Exit 0 when every server answered; otherwise the first failure's code.
 * With a filter that keeps nothing (no such interface, no peer matching) it says so and exits 1.
 */
export async function status(ctx: CliContext, values: StatusOptions): Promise<number> {
  if (values.all && values.server) throw new UsageError('use either --server NAME or --all');
  const servers = await ctx.engine.pollOnce(values.server);
  const known = await ctx.engine.handlers['peers:names']();
  const names = namesLookup(known);
  const filter: PeerFilter = { iface: values.interface, status: values.status, query: values.peer };
  if (servers.length === 0 && !values.json)
    ctx.err('No servers yet. Add one: wgdeck server add NAME --host HOST');
  if (values.json) {
    const json = toStatusJson(filterFleet(servers, filter, names), names, lifecycleLookup(known));
    ctx.out(JSON.stringify(json, null, 2));
  } else for (const text of renderStatus(servers, { names, width: ctx.columns(), filter })) ctx.out(text);
  const failed = servers.find((s) => s.state !== 'connected');
  if (failed) {
    if (!values.json) ctx.err(`${failed.name}: ${failed.error ?? failed.state}`);
    return servers.length === 1 ? exitCodeForCode(failed.errorCode ?? '') : EXIT.failure;
  }
  return nothingKept(ctx, servers, filter, names) ? EXIT.failure : EXIT.ok;
}

/** Whether a filter kept nothing (said on stderr): a script asking for a peer learns it is not there. */
function nothingKept(
  ctx: CliContext,
  servers: Parameters<typeof filterFleet>[0],
  filter: PeerFilter,
  names: ReturnType<typeof namesLookup>,
): boolean {
  if (servers.length === 0) return false;
  const kept = filterFleet(servers, filter, names);
  if (filter.iface !== undefined && kept.every((s) => s.interfaces.length === 0)) {
    ctx.err(`No interface named "${filter.iface}".`);
    return true;
  }
  if (
    (filter.status !== undefined || (filter.query ?? '').trim() !== '') &&
    kept.every((s) => s.interfaces.every((i) => i.peers.length === 0))
  ) {
    ctx.err('No peer matches.');
    return true;
  }
  return false;
}
