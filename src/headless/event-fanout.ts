import type { ApiEvents, EventName } from '../shared/api.ts';
import type { EventMessage } from '../shared/rpc.ts';

/** The part of a WebSocket the fan-out needs (the `ws` library's socket has it; tests use fakes). */
export interface OutboundSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
}

const OPEN = 1;

/** Past this many unsent bytes a socket gets no more events until it drains (then one resync). */
export const HIGH_WATER_BYTES = 4 * 1024 * 1024;

export function eventText<E extends EventName>(event: E, payload: ApiEvents[E]): string {
  return JSON.stringify({ type: 'event', event, payload } satisfies EventMessage<E>);
}

/**
 * Sends each engine event to every socket, serialised once. A socket that cannot keep up (a slow
 * network, a suspended tab) is skipped rather than buffered without bound; when it has drained it gets
 * one `fleet:resync` instead of the event at hand, and its client reloads `fleet:sync`, which already
 * contains every update it missed.
 */
export class EventFanout {
  readonly #sockets = new Map<OutboundSocket, { behind: boolean }>();
  readonly #highWater: number;

  constructor(highWater = HIGH_WATER_BYTES) {
    this.#highWater = highWater;
  }

  add(socket: OutboundSocket): void {
    this.#sockets.set(socket, { behind: false });
  }

  delete(socket: OutboundSocket): void {
    this.#sockets.delete(socket);
  }

  get size(): number {
    return this.#sockets.size;
  }

  publish(text: string): void {
    for (const [socket, state] of this.#sockets) {
      if (socket.readyState !== OPEN) continue;
      if (socket.bufferedAmount > this.#highWater) {
        state.behind = true;
      } else if (state.behind) {
        state.behind = false;
        socket.send(eventText('fleet:resync', { reason: 'overflow' }));
      } else {
        socket.send(text);
      }
    }
  }
}
