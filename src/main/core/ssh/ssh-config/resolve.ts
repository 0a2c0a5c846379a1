import type { ConfigFile } from './include.ts';
import type { ConfigLine } from './parse.ts';
import { hostLineMatches, literalHosts } from './pattern.ts';

/**
 * The options one host gets from a config, as ssh's readconf.c reads them: lines before any `Host`
 * apply to every host; a `Host` line decides whether the lines after it apply; for each option the
 * first value obtained wins (IdentityFile collects them all); ProxyJump and ProxyCommand share one
 * slot, so whichever comes first wins (`none` included). `Match` blocks are not evaluated: their
 * options are never applied, only noted, so the caller reports them.
 */

/** What ssh's command line gives before any config is read (a jump hop: `ssh -l U -p P -J ...`). */
export interface Preset {
  user?: string;
  port?: number;
  /** The hop was reached with `-J`: the config's ProxyJump/ProxyCommand do not count for it. */
  jumpGiven?: boolean;
}

export interface HostOptions {
  /** Some applying `Host` line names this host literally (not only through wildcards). */
  named: boolean;
  /** The first value of each option (lower-cased keyword), except IdentityFile. */
  first: Map<string, ConfigLine>;
  identityFiles: string[];
  /** The first of ProxyJump/ProxyCommand (the line, or undefined for neither). */
  proxy: ConfigLine | undefined;
  /** A `Match` block that sets options exists where it could apply. */
  matchOptions: boolean;
}

function apply(options: HostOptions, line: ConfigLine, preset: Preset): void {
  if (line.args.length === 0) return;
  if (line.keyword === 'identityfile') options.identityFiles.push(line.args[0]!);
  else if (line.keyword === 'proxyjump' || line.keyword === 'proxycommand') {
    if (!preset.jumpGiven && !options.proxy) options.proxy = line;
  } else if (!options.first.has(line.keyword)) options.first.set(line.keyword, line);
}

function walk(
  file: ConfigFile,
  host: string,
  options: HostOptions,
  preset: Preset,
  start: boolean,
  never: boolean,
) {
  let active = start;
  let inMatch = false;
  for (const entry of file.entries) {
    if (entry.kind === 'include') {
      if (inMatch && !never && entry.files.length > 0) options.matchOptions = true;
      // ssh's SSHCONF_NEVERMATCH: included where nothing applies, no Host line in it can apply.
      for (const included of entry.files) walk(included, host, options, preset, active, never || !active);
      continue;
    }
    const { line } = entry;
    if (line.keyword === 'host') {
      inMatch = false;
      active = !never && hostLineMatches(line.args, host);
      if (active && literalHosts(line.args).includes(host)) options.named = true;
    } else if (line.keyword === 'match') {
      inMatch = true;
      active = false;
    } else if (inMatch) {
      if (!never) options.matchOptions = true;
    } else if (active) apply(options, line, preset);
  }
}

export function hostOptions(config: ConfigFile, host: string, preset: Preset = {}): HostOptions {
  const options: HostOptions = {
    named: false,
    first: new Map(),
    identityFiles: [],
    proxy: undefined,
    matchOptions: false,
  };
  walk(config, host, options, preset, true, false);
  return options;
}

/** Every name a `Host` line gives literally, in the order ssh reads them (includes in place). */
export function hostNames(config: ConfigFile): string[] {
  const names: string[] = [];
  const visit = (file: ConfigFile) => {
    for (const entry of file.entries) {
      if (entry.kind === 'include') entry.files.forEach(visit);
      else if (entry.line.keyword === 'host') names.push(...literalHosts(entry.line.args));
    }
  };
  visit(config);
  return [...new Set(names)];
}
