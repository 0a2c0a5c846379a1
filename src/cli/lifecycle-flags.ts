import {
  EXPIRES_RULE,
  parseExpires,
  parseQuota,
  parseSchedule,
  QUOTA_RULE,
  SCHEDULE_RULE,
} from '../shared/peer-lifecycle.ts';
import type { PeerEdit } from '../shared/peers.ts';
import { UsageError } from './usage-error.ts';

/** `peer edit`'s lifecycle flags as Commander gives them (undefined: not given). */
export interface LifecycleFlags {
  quota?: string;
  expires?: string;
  schedule?: string;
}

/** The value a flag gives, `none` as null, or a usage error quoting the rule (peer-lifecycle.ts). */
function ruled<T>(flag: string, text: string, parse: (t: string) => T | null, rule: string): T | null {
  if (text.trim().toLowerCase() === 'none') return null;
  const value = parse(text);
  if (value === null) throw new UsageError(`${flag}: ${rule}, or none; got "${text}"`);
  return value;
}

/**
 * `--quota 50GiB/month`, `--expires 2027-01-31`, `--schedule "mon-fri 08:00-18:00 Europe/Berlin"`,
 * each `none` to clear, as the fields of a PeerEdit: only those given. The rules are peer-lifecycle's,
 * so the CLI takes exactly what the config file and the forms take.
 */
export function lifecycleEdit(v: LifecycleFlags): Pick<PeerEdit, 'quota' | 'expiresAt' | 'schedule'> {
  const edit: Pick<PeerEdit, 'quota' | 'expiresAt' | 'schedule'> = {};
  if (v.quota !== undefined) edit.quota = ruled('--quota', v.quota, parseQuota, QUOTA_RULE);
  if (v.expires !== undefined) edit.expiresAt = ruled('--expires', v.expires, parseExpires, EXPIRES_RULE);
  if (v.schedule !== undefined) edit.schedule = ruled('--schedule', v.schedule, parseSchedule, SCHEDULE_RULE);
  return edit;
}
