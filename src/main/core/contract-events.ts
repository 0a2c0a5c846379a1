import type { ApiEvents, EventName } from '../../shared/api.ts';

type Listener<E extends EventName> = (payload: ApiEvents[E]) => void;

/**
 * The contract's events as the services raise them (`fleet:delta`, `peers:tx`…), for the transports
 * and the CLI to subscribe to. Domain facts for the engine's own subscribers travel on the
 * DomainEventBus instead (bus/domain-events.ts).
 */
export class ContractEvents {
  readonly #listeners = new Map<EventName, Set<Listener<EventName>>>();

  subscribe<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }

  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) listener(payload);
  }
}
