/**
 * How often a server may deliver a frame. The collector sends one per interval; a broken or hostile
 * server that sends them as fast as it can (one did: ~10,000 `fleet:delta` events/s and 77 MB of
 * history in 20 s) gets the rest refused here, where frames enter, before they are parsed, tracked,
 * recorded or sent to any front end. Refused frames are counted (`droppedFrames` in the server's
 * live state), never silently lost.
 */
/** Half the poll interval: what "arriving too fast" means for a collector polling every `seconds`. */
export function minFrameSpacingMs(intervalSeconds: number): number {
  return (intervalSeconds * 1000) / 2;
}

export class FramePacer {
  #minSpacingMs: number;
  readonly #now: () => number;
  #lastAt = Number.NEGATIVE_INFINITY;
  #lastMonotonic = Number.NEGATIVE_INFINITY;
  #dropped = 0;

  /**
   * @param minSpacingMs the least time between two frames taken (about half the interval: the remote
   *   loop sleeps a whole interval between frames, so a real server never comes close).
   *   `Infinity` takes one frame only.
   * @param now a monotonic clock in ms (a laptop clock step must not open the gate or shut it).
   */
  constructor(minSpacingMs: number, now: () => number = () => performance.now()) {
    this.#minSpacingMs = minSpacingMs;
    this.#now = now;
  }

  /**
   * Whether a frame whose server clock (`/proc/uptime`) reads `monotonic` may go on: it arrived at
   * least the spacing after the last frame let through, and the server's clock moved forward since.
   * A frame let through restarts the spacing even if it then turns out malformed (null: no usable
   * clock), so a flood of broken frames costs a parse and a log line twice per interval, not per
   * frame. A frame refused here is counted.
   */
  admit(monotonic: number | null): boolean {
    const now = this.#now();
    const ok =
      now - this.#lastAt >= this.#minSpacingMs && (monotonic === null || monotonic > this.#lastMonotonic);
    if (!ok) {
      this.#dropped += 1;
      return false;
    }
    this.#lastAt = now;
    if (monotonic !== null) this.#lastMonotonic = monotonic;
    return true;
  }

  /** A new collector stream (reconnect, new interval): its first frame is always welcome. */
  newStream(minSpacingMs = this.#minSpacingMs): void {
    this.#minSpacingMs = minSpacingMs;
    this.#lastAt = Number.NEGATIVE_INFINITY;
    this.#lastMonotonic = Number.NEGATIVE_INFINITY;
  }

  get minSpacingMs(): number {
    return this.#minSpacingMs;
  }

  /** Frames refused since this pacer was made (across streams). */
  get dropped(): number {
    return this.#dropped;
  }
}
