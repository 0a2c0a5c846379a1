import type { ServerConfig } from '../../../shared/server-config.ts';

/**
 * Settings a live session never reads — where the server is shown and how placement weighs it.
 * Changing only these (in the app, or in servers.json from another process) must not reconnect it:
 * a reconnect costs the CPU figure two samples and shows the server as connecting for nothing.
 */
const NOT_FOR_THE_SESSION: ReadonlySet<string> = new Set<keyof ServerConfig>(['group', 'maxPeers', 'weight']);

/** Whether a session running with `a` would run the same with `b`. */
export function sameSessionConfig(a: ServerConfig, b: ServerConfig): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ServerConfig>;
  return [...keys].every(
    (key) => NOT_FOR_THE_SESSION.has(key) || JSON.stringify(a[key]) === JSON.stringify(b[key]),
  );
}
