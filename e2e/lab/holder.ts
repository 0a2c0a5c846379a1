// Namespace holders: one long-lived process per lab namespace that owns its private mount namespace.
import { spawnDetachedUntil } from './exec.ts';
import type { ProcRef } from './exec.ts';

const HOLDER_SCRIPT =
  'while [ "$#" -ge 2 ]; do mount --bind "$1" "$2"; shift 2; done\necho ready\nexec sleep infinity';

/**
 * A long-lived process in namespace `ns` with its own mount namespace (slave propagation, so namespaces deleted
 * in the root namespace disappear from it too), in which `binds` (pairs: host dir, mount point) are mounted.
 * Everything else enters it with `nsenter -t <pid> -n -m`.
 */
export function startHolder(ns: string, binds: readonly string[]): Promise<ProcRef> {
  return spawnDetachedUntil(
    'ip',
    [
      'netns',
      'exec',
      ns,
      'unshare',
      '-m',
      '--propagation',
      'slave',
      'sh',
      '-ec',
      HOLDER_SCRIPT,
      'sh',
      ...binds,
    ],
    'ready',
  );
}

/** nsenter arguments that enter a holder's network and mount namespaces. */
export const enterArgs = (holder: ProcRef): string[] => ['-t', String(holder.pid), '-n', '-m'];
export const enter = (holder: ProcRef): string[] => ['nsenter', ...enterArgs(holder)];
