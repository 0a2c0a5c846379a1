import { homedir, hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import type { SshConfigCandidate } from '../../../shared/api.ts';
import type { UnsupportedSshOption } from '../../../shared/ssh-import.ts';
import { UNSUPPORTED_SSH_OPTIONS } from '../../../shared/ssh-import.ts';
import { isValidHost } from '../../../shared/validation.ts';
import { resolveDestination, type LocalContext } from './ssh-config/destination.ts';
import { loadConfig, type ConfigFile } from './ssh-config/include.ts';
import { formatHop, resolveJumpChain } from './ssh-config/jump.ts';
import { hostNames } from './ssh-config/resolve.ts';

/** A candidate before it is compared with the configured servers. */
export type ResolvedCandidate = Omit<SshConfigCandidate, 'added'>;

export function localContext(home = homedir()): LocalContext {
  const user = userInfo();
  return { home, localUser: user.username, uid: user.uid, localHost: hostname() };
}

function ordered(found: Set<UnsupportedSshOption>): string[] {
  return UNSUPPORTED_SSH_OPTIONS.filter((name) => found.has(name));
}

/**
 * Candidates for the add-server form from an OpenSSH client config: every name a `Host` line gives
 * literally, resolved the way `ssh NAME` would (see ssh-config/), hosts ssh itself would refuse
 * left out. Names that reach the same user@host:port are one candidate (the first name, the others
 * in `aliases`). Only offered, never trusted: the form validates and the host key is checked as usual.
 */
export function sshConfigCandidates(
  config: ConfigFile,
  local: LocalContext = localContext(),
): ResolvedCandidate[] {
  const byDestination = new Map<string, ResolvedCandidate>();
  for (const alias of hostNames(config)) {
    const destination = resolveDestination(config, alias, local);
    if (!destination?.named || !isValidHost(destination.host)) continue;
    const unsupported = new Set(destination.unsupported);
    let jump: string[] = [];
    if (destination.proxyJump !== undefined) {
      const chain = resolveJumpChain(config, destination.proxyJump, local, [alias]);
      if (chain.ok) {
        jump = chain.hops.map(formatHop);
        chain.unsupported.forEach((name) => unsupported.add(name));
      } else unsupported.add('ProxyJump');
    }
    const key = formatHop(destination);
    const same = byDestination.get(key);
    if (same) {
      same.aliases = [...(same.aliases ?? []), alias];
      continue;
    }
    byDestination.set(key, {
      alias,
      host: destination.host,
      port: destination.port,
      user: destination.user,
      identityFile: destination.identityFile,
      jump,
      unsupported: ordered(unsupported),
    });
  }
  // Keys in one order for JSON readers: `aliases` (when any) follows `alias`.
  return [...byDestination.values()].map(({ alias, aliases, ...rest }) => ({
    alias,
    ...(aliases && { aliases }),
    ...rest,
  }));
}

/** The candidates of the config at `path` (default ~/.ssh/config); none when there is no such file. */
export async function importSshConfig(
  path = join(homedir(), '.ssh', 'config'),
  local: LocalContext = localContext(),
): Promise<ResolvedCandidate[]> {
  const config = await loadConfig(path, local.home);
  return config ? sshConfigCandidates(config, local) : [];
}
