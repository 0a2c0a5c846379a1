import { EVENT_TYPES, eventTypeSchema, type EventQuery, type LoggedEvent } from '../../shared/event-log.ts';
import { shortKey } from '../../shared/format.ts';
import { formatUnixTime } from '../../shared/time-format.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { UsageError } from '../usage-error.ts';

export type EventsOptions = {
  server?: string;
  peer?: string;
  type?: string[];
  since?: string;
  limit?: string;
  json?: true;
};

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `--since 90s|30m|1h|7d` as unix seconds from now. */
export function sinceSeconds(text: string, nowMs = Date.now()): number {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (!match) throw new UsageError(`--since is an age like 90s, 30m, 1h or 7d, got "${text}"`);
  return nowMs / 1000 - Number(match[1]) * UNIT_SECONDS[match[2]!]!;
}

function query(values: EventsOptions): EventQuery {
  const q: EventQuery = { limit: 100 };
  if (values.server !== undefined) q.server = values.server;
  if (values.peer !== undefined) q.peer = values.peer;
  if (values.type !== undefined) {
    q.types = values.type
      .flatMap((t) => t.split(','))
      .map((t) => {
        const parsed = eventTypeSchema.safeParse(t.trim());
        if (!parsed.success) throw new UsageError(`--type is one of ${EVENT_TYPES.join(', ')}; got "${t}"`);
        return parsed.data;
      });
  }
  if (values.since !== undefined) q.since = sinceSeconds(values.since);
  if (values.limit !== undefined) {
    if (!/^\d{1,5}$/.test(values.limit) || Number(values.limit) < 1)
      throw new UsageError(`--limit must be a whole number from 1, got "${values.limit}"`);
    q.limit = Number(values.limit);
  }
  return q;
}

/** One line: when, what, where, who, and the facts (k=v). */
function line(event: LoggedEvent): string {
  const where = event.interface ? `${event.server}/${event.interface}` : event.server;
  const who = event.peer ? ` ${event.name ?? shortKey(event.peer)}` : '';
  const facts = Object.entries(event.details)
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  return `${formatUnixTime(event.at)}  ${event.type.padEnd(18)} ${where}${who}${facts ? `  ${facts}` : ''}`;
}

export async function events(ctx: CliContext, values: EventsOptions): Promise<number> {
  const found = await ctx.engine.handlers['events:list'](query(values));
  if (values.json) ctx.out(JSON.stringify({ events: found }, null, 2));
  else if (found.length === 0) ctx.out('No events.');
  else for (const event of found) ctx.out(line(event));
  return EXIT.ok;
}
