// The history store's public types live in shared/ so the renderer can use its query results.
export * from '../../../shared/history.ts';
