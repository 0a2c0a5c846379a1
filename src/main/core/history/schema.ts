/**
 * Opening the history database: pragmas and versioned migrations (`PRAGMA user_version`).
 *
 * Durability: WAL with `synchronous=NORMAL`. Each poll is one transaction appended to the WAL; the OS has
 * it as soon as COMMIT returns, so a crash of the process (kill -9) loses nothing committed, and a torn
 * last transaction is simply not there on reopen. Only a power loss or kernel crash can drop the last
 * few commits (never corrupt the file): acceptable for monitoring history, and it avoids an fsync per
 * poll. Checkpoints (which do fsync) run in maintain(), off the record() path.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ensurePrivateFile } from '../store/private-files.ts';

const MIGRATIONS: readonly string[] = [
  // v1
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE server (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    interval_ms INTEGER NOT NULL,
    checkpoint BLOB
  );
  CREATE TABLE entity (
    id INTEGER PRIMARY KEY,
    server_id INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    iface TEXT NOT NULL,
    peer TEXT NOT NULL,
    wg INTEGER NOT NULL DEFAULT 0,
    endpoint TEXT
  );
  CREATE UNIQUE INDEX entity_key ON entity (server_id, kind, iface, peer);
  CREATE TABLE frame (id INTEGER PRIMARY KEY, server_id INTEGER NOT NULL, t INTEGER NOT NULL, data BLOB NOT NULL);
  CREATE TABLE chunk (
    tier INTEGER NOT NULL,
    start INTEGER NOT NULL,
    sid INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (tier, start, sid)
  ) WITHOUT ROWID;
  CREATE TABLE timechunk (
    server_id INTEGER NOT NULL,
    tier INTEGER NOT NULL,
    start INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (server_id, tier, start)
  ) WITHOUT ROWID;
  CREATE TABLE event (
    sid INTEGER NOT NULL,
    t INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    text TEXT,
    PRIMARY KEY (sid, t, kind)
  ) WITHOUT ROWID;
  CREATE INDEX event_t ON event (t);
  `,
  // v2: the event log (shared/event-log.ts). t in laptop ms; details as JSON.
  `
  CREATE TABLE log (
    id INTEGER PRIMARY KEY,
    t INTEGER NOT NULL,
    type TEXT NOT NULL,
    server TEXT NOT NULL,
    iface TEXT,
    peer TEXT,
    name TEXT,
    details TEXT NOT NULL
  );
  CREATE INDEX log_t ON log (t);
  CREATE INDEX log_server_t ON log (server, t);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class SchemaTooNewError extends Error {
  constructor(found: number) {
    super(
      `history database has schema version ${found}, newer than this WG Deck supports (${SCHEMA_VERSION}); update WG Deck or move the file aside`,
    );
    this.name = 'SchemaTooNewError';
  }
}

export function userVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}

export function openDatabase(path: string): DatabaseSync {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    ensurePrivateFile(path); // -wal and -shm get the database's own mode
  }
  const db = new DatabaseSync(path);
  try {
    // page_size only matters for a new file; 8 KiB pages keep typical chunk rows (≤ ~2 KB) inline.
    db.exec('PRAGMA page_size = 8192');
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA temp_store = MEMORY');
    // SQLite's default 2 MiB, not 16: the page cache is engine memory that only grows (issue 14 bounds
    // RSS per peer), and the OS caches the file anyway. `npm run bench -- history`, one run each:
    // record() median 122 vs 104 µs, 10,000-peer poll 2.46 vs 3.66 ms, chart queries within 0.4 ms.
    db.exec('PRAGMA cache_size = -2000');
    db.exec('PRAGMA busy_timeout = 5000');
    // maintain() checkpoints (passive) on every call, so record() never pays for one; SQLite's own
    // checkpoint only kicks in if maintain() is not being called (WAL at 64 MiB).
    db.exec('PRAGMA wal_autocheckpoint = 8192');
    db.exec('PRAGMA journal_size_limit = 67108864');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function migrate(db: DatabaseSync): void {
  const found = userVersion(db);
  if (found > SCHEMA_VERSION) throw new SchemaTooNewError(found);
  for (let version = found; version < SCHEMA_VERSION; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(MIGRATIONS[version]!);
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}
