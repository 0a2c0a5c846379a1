import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Retention } from '../../../shared/history.ts';
import type { DomainEventBus } from '../bus/domain-events.ts';
import { WgDeckError, errorMessage } from '../errors.ts';
import { dataDirExposure } from '../store/private-files.ts';
import { tryLock } from '../store/process-lock.ts';
import { HISTORY_FILE, HistoryStore } from './index.ts';
import { ingestHistory } from './ingest.ts';
import { readEventLog } from './event-log-table.ts';
import type { EventQuery, LoggedEvent } from '../../../shared/event-log.ts';

/** Compaction, rollups and retention run in small slices this often, so the loop never stalls for long. */
const MAINTENANCE_EVERY_MS = 10_000;

/**
 * Local history: records what the bus carries (it subscribes at construction; nothing is recorded
 * until `open`), keeps itself small in the background, and answers the `history:*` queries. One
 * recording process per data dir: a second app or `wgdeck serve` runs live-only, and says so.
 */
export class HistoryService {
  readonly #dataDir: string;
  readonly #log: ((message: string) => void) | undefined;
  readonly #records: boolean;
  #store: HistoryStore | null = null;
  #lock: { release: () => void } | null = null;
  #maintenance: NodeJS.Timeout | null = null;

  constructor(options: {
    dataDir: string;
    bus: DomainEventBus;
    /** Whether this process may record at all (one-shot CLI commands do not). */
    records: boolean;
    log?: (message: string) => void;
  }) {
    this.#dataDir = options.dataDir;
    this.#log = options.log;
    this.#records = options.records;
    ingestHistory(options.bus, () => this.#store, options.log);
  }

  /** Opens history.db unless another process records this data dir (then this one stays live-only). */
  open(retention: Retention): void {
    if (!this.#records || this.#store) return;
    mkdirSync(this.#dataDir, { recursive: true, mode: 0o700 });
    const exposure = dataDirExposure(this.#dataDir);
    if (exposure) this.#log?.(`warning: ${exposure}`);
    const lock = tryLock(join(this.#dataDir, `${HISTORY_FILE}.lock`));
    if ('heldBy' in lock) {
      this.#log?.(
        `history: process ${lock.heldBy} already records this data dir; this one shows live data only`,
      );
      return;
    }
    this.#lock = lock;
    this.#store = HistoryStore.open(join(this.#dataDir, HISTORY_FILE), { retention });
    this.#maintenance = setInterval(() => {
      try {
        this.#store?.maintain(20);
      } catch (error) {
        this.#log?.(`history maintenance: ${errorMessage(error)}`);
      }
    }, MAINTENANCE_EVERY_MS);
    this.#maintenance.unref();
  }

  set retention(retention: Retention) {
    if (this.#store) this.#store.retention = retention;
  }

  /** Runs a query, or says why this process has no history to ask. */
  query<T>(run: (history: HistoryStore) => T): Promise<T> {
    if (!this.#store) {
      return Promise.reject(
        new WgDeckError(
          'HISTORY_UNAVAILABLE',
          this.#records
            ? 'History is kept by another WG Deck process on this data dir; this one shows live data only.'
            : 'This WG Deck process keeps no history.',
        ),
      );
    }
    return Promise.resolve(run(this.#store));
  }

  /** The open store, when this process records (the event recorder writes through it). */
  get recording(): HistoryStore | null {
    return this.#store;
  }

  /**
   * The event log: from this process's store when it records, else straight from the file the
   * recording process writes (read-only; none yet: no events).
   */
  events(q: EventQuery): LoggedEvent[] {
    if (this.#store) return this.#store.events(q);
    return readEventLog(join(this.#dataDir, HISTORY_FILE), q);
  }

  close(): void {
    if (this.#maintenance) clearInterval(this.#maintenance);
    this.#maintenance = null;
    this.#store?.close();
    this.#store = null;
    this.#lock?.release();
    this.#lock = null;
  }
}
