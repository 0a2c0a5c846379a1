/**
 * The event log's table in history.db (schema v2): appended by the recording process, read by any
 * (a second app, `wgdeck events`) — SQLite's WAL lets readers in while one process writes.
 */
import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import type { EventQuery, LoggedEvent } from '../../../shared/event-log.ts';
import { eventDetailsSchema, eventTypeSchema } from '../../../shared/event-log.ts';

type EventDetails = LoggedEvent['details'];

interface Row {
  t: number;
  type: string;
  server: string;
  iface: string | null;
  peer: string | null;
  name: string | null;
  details: string;
}

/** Appends `events` (the caller holds the transaction). */
export function appendEvents(db: DatabaseSync, events: readonly LoggedEvent[]): void {
  const insert = db.prepare(
    'INSERT INTO log (t, type, server, iface, peer, name, details) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const event of events) {
    insert.run(
      Math.round(event.at * 1000),
      event.type,
      event.server,
      event.interface,
      event.peer,
      event.name,
      JSON.stringify(event.details),
    );
  }
}

/** Newest first. A row a newer WG Deck wrote with a type this one does not know is left out. */
export function queryEvents(db: DatabaseSync, q: EventQuery): LoggedEvent[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (q.server !== undefined) {
    where.push('server = ?');
    args.push(q.server);
  }
  if (q.peer !== undefined) {
    where.push('(peer = ? OR name = ?)');
    args.push(q.peer, q.peer);
  }
  if (q.types && q.types.length > 0) {
    where.push(`type IN (${q.types.map(() => '?').join(', ')})`);
    args.push(...q.types);
  }
  if (q.since !== undefined) {
    where.push('t >= ?');
    args.push(Math.floor(q.since * 1000));
  }
  if (q.until !== undefined) {
    where.push('t <= ?');
    args.push(Math.ceil(q.until * 1000));
  }
  const sql =
    'SELECT t, type, server, iface, peer, name, details FROM log' +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ' ORDER BY t DESC, id DESC LIMIT ?';
  const rows = db.prepare(sql).all(...args, q.limit ?? 1000) as unknown as Row[];
  const out: LoggedEvent[] = [];
  for (const row of rows) {
    const type = eventTypeSchema.safeParse(row.type);
    if (!type.success) continue;
    out.push({
      at: row.t / 1000,
      type: type.data,
      server: row.server,
      interface: row.iface,
      peer: row.peer,
      name: row.name,
      details: parseDetails(row.details),
    });
  }
  return out;
}

function parseDetails(text: string): EventDetails {
  try {
    const parsed = eventDetailsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** Deletes up to `max` events older than `beforeMs`; how many it deleted. */
export function pruneEvents(db: DatabaseSync, beforeMs: number, max: number): number {
  const result = db
    .prepare('DELETE FROM log WHERE id IN (SELECT id FROM log WHERE t < ? ORDER BY t LIMIT ?)')
    .run(beforeMs, max);
  return Number(result.changes);
}

/**
 * The log read from `path` by a process that does not record (a CLI command, a second app): opened
 * read-only, so it never takes the writer's place. No file, or one from before the log: no events.
 */
export function readEventLog(path: string, q: EventQuery): LoggedEvent[] {
  if (!existsSync(path)) return [];
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'log'").get();
    return table ? queryEvents(db, q) : [];
  } finally {
    db.close();
  }
}
