/** The history store's public surface: see README.md. */
export { HistoryStore, type CatalogServer } from './history-store.ts';
export { SchemaTooNewError, SCHEMA_VERSION } from './schema.ts';
export { CorruptDataError } from './codec.ts';
export * from './types.ts';

/** The store's file name in the data dir. */
export const HISTORY_FILE = 'history.db';
