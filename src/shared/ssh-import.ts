import { serverNameSchema } from './validation.ts';

/**
 * The ~/.ssh/config options an import reports as unsupported (candidate.unsupported), and which of
 * them are harmless to WG Deck: it never runs ssh, so a RemoteCommand is never run, a HostKeyAlias
 * only means the host key is asked for as on first contact, and an IdentityFile with a token WG Deck
 * cannot expand (`%C`, `${VAR}`) leaves the agent and the default keys. The others change where the
 * connection goes (a ProxyCommand, a Match block, canonicalised names): adding such a host would
 * watch something other than what `ssh ALIAS` reaches.
 */
export const UNSUPPORTED_SSH_OPTIONS = [
  'Match',
  'ProxyCommand',
  'ProxyUseFdpass',
  'CanonicalizeHostname',
  'ProxyJump',
  'RemoteCommand',
  'HostKeyAlias',
  'IdentityFile',
] as const;

export type UnsupportedSshOption = (typeof UNSUPPORTED_SSH_OPTIONS)[number];

const HARMLESS: ReadonlySet<string> = new Set<UnsupportedSshOption>([
  'RemoteCommand',
  'HostKeyAlias',
  'IdentityFile',
]);

/** The options among `unsupported` that make a candidate unsafe to add as it is. */
export function blockingSshOptions(unsupported: readonly string[]): string[] {
  return unsupported.filter((name) => !HARMLESS.has(name));
}

/** A server name from a Host alias: as it is when valid, else its odd characters made `-`. */
export function serverNameFromAlias(alias: string): string {
  return serverNameSchema.safeParse(alias).success
    ? alias
    : alias
        .replace(/[^A-Za-z0-9._-]/g, '-')
        .replace(/^[^A-Za-z0-9]+/, '')
        .slice(0, 63);
}
