/**
 * History as a subscriber of the domain-event bus: every sample a server streams is recorded, and a
 * lost stream closes its segment (queries show a gap, never zeros). History is a convenience: a
 * failing write (a full disk) is reported and live monitoring goes on.
 */

import type { DomainEventBus } from '../bus/domain-events.ts';
import { errorMessage } from '../errors.ts';
import type { HistoryStore } from './history-store.ts';

export function ingestHistory(
  bus: DomainEventBus,
  history: () => HistoryStore | null,
  log?: (message: string) => void,
): () => void {
  return bus.subscribe((event) => {
    const store = history();
    if (!store) return;
    try {
      if (event.type === 'server.sample') {
        store.record(event.server, event.snapshot, event.receivedAt, event.intervalSeconds);
      } else if (event.type === 'server.streamLost') {
        store.markStopped(event.server, event.at);
      }
    } catch (error) {
      log?.(`history: ${errorMessage(error)}`);
    }
  });
}
