import type { UnsupportedSshOption } from '../../../../shared/ssh-import.ts';
import type { ConfigFile } from './include.ts';
import { hostOptions, type HostOptions, type Preset } from './resolve.ts';
import { expandTokens } from './tokens.ts';

/**
 * Where ssh connects for one host name: its HostName (`%h` expanded, lower-cased as ssh does), Port,
 * User (the local user when none), first IdentityFile (`~` and tokens expanded), the ProxyJump that
 * applies, and the options WG Deck cannot follow.
 */

export interface LocalContext {
  home: string;
  /** What ssh uses when no User is set: the local user name. */
  localUser: string;
  uid: number;
  /** The local host name, for `%l` (and its first label for `%L`). */
  localHost: string;
}

export interface Destination {
  named: boolean;
  host: string;
  port: number;
  user: string;
  identityFile: string | null;
  /** ProxyJump as written, when one applies (not `none`). */
  proxyJump: string | undefined;
  unsupported: Set<UnsupportedSshOption>;
}

function value(options: HostOptions, keyword: string): string | undefined {
  return options.first.get(keyword)?.args[0];
}

function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}

function identityFile(
  raw: string | undefined,
  tokens: Record<string, string>,
  home: string,
): { path: string | null; ok: boolean } {
  if (raw === undefined || raw.toLowerCase() === 'none') return { path: null, ok: true };
  // ssh expands `~` first, then the tokens; `~user/` and `${VAR}` are beyond this import.
  if (/^~[^/]/.test(raw) || raw.includes('${')) return { path: null, ok: false };
  const path = raw === '~' ? home : raw.startsWith('~/') ? `${home}/${raw.slice(2)}` : raw;
  const expanded = expandTokens(path, tokens);
  return expanded.ok ? { path: expanded.text, ok: true } : { path: null, ok: false };
}

function unsupportedOf(options: HostOptions): Set<UnsupportedSshOption> {
  const found = new Set<UnsupportedSshOption>();
  if (options.matchOptions) found.add('Match');
  const proxy = options.proxy;
  if (proxy?.keyword === 'proxycommand' && proxy.args[0]!.toLowerCase() !== 'none') found.add('ProxyCommand');
  if (value(options, 'proxyusefdpass')?.toLowerCase() === 'yes') found.add('ProxyUseFdpass');
  const canonical = value(options, 'canonicalizehostname')?.toLowerCase();
  if (canonical !== undefined && canonical !== 'no' && canonical !== 'none')
    found.add('CanonicalizeHostname');
  const remote = value(options, 'remotecommand');
  if (remote !== undefined && remote.toLowerCase() !== 'none') found.add('RemoteCommand');
  const alias = value(options, 'hostkeyalias');
  if (alias !== undefined && alias.toLowerCase() !== 'none') found.add('HostKeyAlias');
  return found;
}

/** null when ssh itself would refuse the host (`HostName %r`, a bad Port). */
export function resolveDestination(
  config: ConfigFile,
  name: string,
  local: LocalContext,
  preset: Preset = {},
): Destination | null {
  const options = hostOptions(config, name, preset);
  const original = name.toLowerCase();
  let host = original;
  const hostName = value(options, 'hostname');
  if (hostName !== undefined) {
    // In HostName ssh knows only %h and %%.
    const expanded = expandTokens(hostName, { h: original });
    if (!expanded.ok) return null;
    host = expanded.text.toLowerCase();
  }
  const rawPort = value(options, 'port');
  const port = preset.port ?? (rawPort === undefined ? 22 : parsePort(rawPort));
  if (port === null) return null;
  const user = preset.user ?? value(options, 'user') ?? local.localUser;
  const unsupported = unsupportedOf(options);
  const identity = identityFile(
    options.identityFiles[0],
    {
      d: local.home,
      h: host,
      i: String(local.uid),
      l: local.localHost,
      L: local.localHost.split('.')[0]!,
      n: name,
      p: String(port),
      r: user,
      u: local.localUser,
    },
    local.home,
  );
  if (!identity.ok) unsupported.add('IdentityFile');
  const proxy = options.proxy;
  const proxyJump =
    proxy?.keyword === 'proxyjump' && proxy.args[0]!.toLowerCase() !== 'none' ? proxy.args[0] : undefined;
  return { named: options.named, host, port, user, identityFile: identity.path, proxyJump, unsupported };
}
