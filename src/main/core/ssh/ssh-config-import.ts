import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import type { SshConfigCandidate } from '../../../shared/api.ts';
import { isValidHost, parseJump } from '../../../shared/validation.ts';

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function expandHome(path: string): string {
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

/** Host aliases that name one machine: no wildcards or negations (those are defaults, not servers). */
function concreteAliases(value: unknown): string[] {
  const words = Array.isArray(value) ? value.map((v: { val: string }) => v.val) : String(value).split(/\s+/);
  return words.filter((w) => w !== '' && !/[*?!]/.test(w));
}

/**
 * Candidates for the add-server form from an OpenSSH client config: every concrete `Host` alias,
 * resolved the way `ssh` would (HostName, User, Port, IdentityFile, ProxyJump, with wildcard defaults
 * applied). Only offered, never trusted: the form validates and the host key is checked as usual.
 */
export function sshConfigCandidates(text: string): SshConfigCandidate[] {
  const config = SSHConfig.parse(text);
  const candidates: SshConfigCandidate[] = [];
  const seen = new Set<string>();
  for (const line of config) {
    if (!('param' in line) || line.param.toLowerCase() !== 'host' || !('config' in line)) continue;
    for (const alias of concreteAliases(line.value)) {
      if (seen.has(alias)) continue;
      seen.add(alias);
      const computed = config.compute(alias);
      const host = first(computed['HostName']) ?? alias;
      if (!isValidHost(host)) continue;
      const port = Number(first(computed['Port']) ?? 22);
      const candidate: SshConfigCandidate = {
        alias,
        host,
        port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 22,
      };
      const user = first(computed['User']);
      if (user) candidate.user = user;
      const identity = first(computed['IdentityFile']);
      if (identity) candidate.identityFile = expandHome(identity);
      const jump = first(computed['ProxyJump']);
      if (jump && jump.toLowerCase() !== 'none' && parseJump(jump.split(',')[0]!))
        candidate.jump = jump.split(',')[0]!;
      candidates.push(candidate);
    }
  }
  return candidates;
}

export async function importSshConfig(
  path = join(homedir(), '.ssh', 'config'),
): Promise<SshConfigCandidate[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return sshConfigCandidates(text);
}
