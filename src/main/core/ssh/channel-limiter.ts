/**
 * Caps concurrent channels on one SSH connection. OpenSSH refuses more than MaxSessions (10 by default)
 * with "administratively prohibited"; we stay far below so a burst of operations queues instead of failing.
 */
export class ChannelLimiter {
  readonly #max: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(max: number) {
    this.#max = max;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.#acquire();
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  get active(): number {
    return this.#active;
  }

  #acquire(): Promise<void> {
    if (this.#active < this.#max) {
      this.#active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** A released slot passes straight to the next waiter, so no newcomer can jump in between. */
  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active -= 1;
  }
}
