import type { ServerDelta } from '../../../shared/live-delta.ts';
import { bufferDelta, MAX_BUFFERED_DELTAS, type DeltaBuffer } from './fleet-state.ts';

/** What the coalescer needs from the page; injected so tests can drive frames and visibility by hand. */
export interface FrameEnv {
  /** requestAnimationFrame in the app. */
  requestFrame(callback: () => void): void;
  /** document.hidden in the app. */
  isHidden(): boolean;
}

export type FlushHandler = (deltas: ServerDelta[], overflowed: boolean) => void;

/**
 * Buffers incoming deltas and hands them over in one batch per animation frame: a fleet of 10 servers
 * updating at once costs one store update and one render. While the window is hidden nothing is
 * scheduled (only buffered, bounded); it flushes when the window shows again. While a full resync is in
 * flight it holds everything (`pause`), and the deltas the sync already covers are dropped (`discard`).
 */
export class DeltaCoalescer {
  readonly #env: FrameEnv;
  readonly #onFlush: FlushHandler;
  readonly #cap: number;
  #buffer: DeltaBuffer = { deltas: [], overflowed: false };
  #scheduled = false;
  #paused = false;

  constructor(env: FrameEnv, onFlush: FlushHandler, cap = MAX_BUFFERED_DELTAS) {
    this.#env = env;
    this.#onFlush = onFlush;
    this.#cap = cap;
  }

  get pending(): number {
    return this.#buffer.deltas.length;
  }

  push(delta: ServerDelta): void {
    bufferDelta(this.#buffer, delta, this.#cap);
    this.#schedule();
  }

  /** Applies what waits now (unless hidden or paused): before a removal, so events stay in order. */
  flush(): void {
    if (this.#paused || this.#env.isHidden()) return;
    const { deltas, overflowed } = this.#buffer;
    if (deltas.length === 0 && !overflowed) return;
    this.#buffer = { deltas: [], overflowed: false };
    this.#onFlush(deltas, overflowed);
  }

  /** Call on `visibilitychange`: a window that shows again catches up at once. */
  visibilityChanged(): void {
    if (!this.#env.isHidden()) this.flush();
  }

  pause(): void {
    this.#paused = true;
  }

  /** Drops what waits: everything received before a full sync's answer is included in it. */
  discard(): void {
    this.#buffer = { deltas: [], overflowed: false };
  }

  resume(): void {
    this.#paused = false;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled || this.#paused || this.#env.isHidden()) return;
    if (this.#buffer.deltas.length === 0 && !this.#buffer.overflowed) return;
    this.#scheduled = true;
    this.#env.requestFrame(() => {
      this.#scheduled = false;
      this.flush();
    });
  }
}
