import { run } from './exec.ts';
import { ALIAS_PREFIX, rootLinks } from './netns.ts';

/**
 * While any lab is up, 198.18.0.0/16 is `unreachable` in the root namespace. The lab's own /30 links
 * are more specific and still route; anything else in the range (a stale lab address left in a data
 * dir, a typo in a test) fails at once with EHOSTUNREACH instead of following the default route off
 * this machine.
 */
export const GUARD_PREFIX = '198.18.0.0/16';

export async function ensureGuardRoute(): Promise<void> {
  const result = await run('ip', ['route', 'replace', 'unreachable', GUARD_PREFIX]);
  if (result.code !== 0) throw new Error(`cannot install the lab's guard route: ${result.stderr.trim()}`);
}

/** Removes the guard once the last lab is gone (no root-side link carries a lab alias). */
export async function releaseGuardRoute(): Promise<void> {
  const labLinks = (await rootLinks()).filter((link) => link.ifalias?.startsWith(ALIAS_PREFIX));
  if (labLinks.length > 0) return;
  const result = await run('ip', ['route', 'del', 'unreachable', GUARD_PREFIX]);
  if (result.code !== 0 && !/No such process|not found/i.test(result.stderr)) {
    throw new Error(`cannot remove the lab's guard route: ${result.stderr.trim()}`);
  }
}
