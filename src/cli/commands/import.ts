import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { AddServerResult, SshConfigCandidate } from '../../shared/api.ts';
import type { ServerConfig } from '../../shared/server-config.ts';
import { blockingSshOptions, serverNameFromAlias } from '../../shared/ssh-import.ts';
import { serverConfigSchema } from '../../shared/validation.ts';
import { WgDeckError } from '../../main/core/errors.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { fitColumns, line, row, type Column } from '../fit-table.ts';
import { addTrusting, printAdded } from './server.ts';

export type ImportOptions = {
  sshConfig?: string;
  add?: string[];
  sudo?: true;
  acceptNew?: true;
  json?: true;
};

const COLUMNS: Column[] = [{ width: 24, min: 12 }, { width: 46, min: 20 }, { width: 5 }];

function destination(c: Pick<SshConfigCandidate, 'user' | 'host' | 'port'>): string {
  return `${c.user}@${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port}`;
}

/**
 * The candidates as a table in `width` columns: alias, where ssh connects, whether a server has
 * that destination already; under a host, the hops it goes through and what WG Deck cannot follow.
 */
export function renderCandidates(candidates: readonly SshConfigCandidate[], width: number): string[] {
  const widths = fitColumns(COLUMNS, width);
  const indent = ' '.repeat(widths[0]! + 3);
  const lines = [row(['ALIAS', 'DESTINATION', 'ADDED'], COLUMNS, widths, width)];
  for (const c of candidates) {
    const alias = c.aliases ? `${c.alias} (+${c.aliases.join(', ')})` : c.alias;
    lines.push(row([alias, destination(c), c.added ? 'yes' : ''], COLUMNS, widths, width));
    if (c.jump.length > 0) lines.push(line(`${indent}via ${c.jump.join(', ')}`, width));
    if (c.unsupported.length > 0)
      lines.push(line(`${indent}unsupported: ${c.unsupported.join(', ')}`, width));
  }
  return lines;
}

/** The candidate an alias names (as its first alias or one merged into it); refused when not addable. */
function addable(candidates: readonly SshConfigCandidate[], alias: string, path: string): SshConfigCandidate {
  const candidate = candidates.find((c) => c.alias === alias || c.aliases?.includes(alias));
  if (!candidate) throw new WgDeckError('NO_SUCH_SSH_HOST', `No Host ${alias} in ${path}.`);
  if (candidate.added)
    throw new WgDeckError('SERVER_EXISTS', `${alias} (${destination(candidate)}) is already a server.`);
  const blocking = blockingSshOptions(candidate.unsupported);
  if (blocking.length > 0) {
    throw new WgDeckError(
      'SSH_CONFIG_UNSUPPORTED',
      `${alias} uses ${blocking.join(', ')}, which WG Deck does not follow: importing it would watch ` +
        'something other than what ssh reaches. Add it with wgdeck server add instead.',
    );
  }
  return candidate;
}

/**
 * `wgdeck server import`: the hosts of an ssh client config, resolved as ssh resolves them; with
 * `--add`, those hosts added as `server add` adds one (the same host key trust, the same checks).
 */
export async function importHosts(ctx: CliContext, values: ImportOptions): Promise<number> {
  const path = values.sshConfig ?? join(homedir(), '.ssh', 'config');
  const candidates = await ctx.engine.importSshConfig(path);
  if (!values.add) {
    if (values.json) ctx.out(JSON.stringify({ candidates }, null, 2));
    else if (candidates.length === 0) ctx.out(`No hosts in ${path}.`);
    else for (const text of renderCandidates(candidates, ctx.columns())) ctx.out(text);
    return EXIT.ok;
  }
  // Every alias is checked before anything is added: a typo does not leave half an import.
  const chosen = values.add.map((alias) => {
    const candidate = addable(candidates, alias, path);
    return { alias, candidate, server: serverFrom(alias, candidate, values) };
  });
  const added: AddServerResult[] = [];
  const tellAdded = () => {
    if (added.length > 0) ctx.err(`Added before that: ${added.map((r) => r.server.name).join(', ')}.`);
  };
  for (const { alias, candidate, server } of chosen) {
    const harmless = candidate.unsupported.filter((name) => blockingSshOptions([name]).length === 0);
    if (harmless.length > 0) ctx.err(`${alias}: ignoring ${harmless.join(', ')} (not used by WG Deck).`);
    let result: AddServerResult | null;
    try {
      result = await addTrusting(ctx, server, values.acceptNew === true);
    } catch (error) {
      tellAdded();
      throw error;
    }
    if (!result) {
      tellAdded();
      return EXIT.hostKeyUnknown;
    }
    added.push(result);
    if (!values.json) printAdded(ctx, result);
  }
  if (values.json) ctx.out(JSON.stringify({ added }, null, 2));
  return EXIT.ok;
}

/** The server `--add ALIAS` adds, checked by the shared schema (the jump chain too) before any contact. */
function serverFrom(alias: string, candidate: SshConfigCandidate, values: ImportOptions): ServerConfig {
  const parsed = serverConfigSchema.safeParse({
    name: serverNameFromAlias(alias),
    host: candidate.host,
    port: candidate.port,
    user: candidate.user,
    sudo: values.sudo === true,
    ...(candidate.identityFile !== null && { identityFile: candidate.identityFile }),
    ...(candidate.jump.length > 0 && { jump: candidate.jump.join(',') }),
  });
  if (!parsed.success) throw new WgDeckError('INVALID_INPUT', `${alias}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
