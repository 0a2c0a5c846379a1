/**
 * Bytes received in pieces, copied into one buffer that doubles when full. What is held is then at
 * most about twice what was received however the input is cut: keeping a view per piece instead
 * costs a Buffer object (~100 bytes) per piece, and a server that sent 3 MB as 1-byte SSH packets
 * grew `wgdeck serve` by 580 MB that way while only 3 MB counted against the limits.
 */
export class GrowingBuffer {
  static readonly INITIAL_CAPACITY = 1024;
  readonly #limit: number;
  readonly #expected: number;
  #buffer: Buffer = Buffer.alloc(0);
  #length = 0;

  /**
   * @param limit what the caller lets this hold at most (it checks that); growth stops there.
   * @param expected how much will probably come (allocated at the first append, so the usual case
   *   is copied once and never regrown); more is fine.
   */
  constructor(limit: number = Number.POSITIVE_INFINITY, expected = 0) {
    this.#limit = limit;
    this.#expected = Math.min(expected, limit);
  }

  /** Copies source[start, end): nothing refers to `source` afterwards. */
  append(source: Uint8Array, start = 0, end = source.length): void {
    const needed = this.#length + (end - start);
    if (needed > this.#buffer.length) {
      const doubled = Math.max(
        needed,
        this.#buffer.length === 0 ? this.#expected : this.#buffer.length * 2,
        GrowingBuffer.INITIAL_CAPACITY,
      );
      const grown = Buffer.allocUnsafe(Math.min(doubled, Math.max(needed, this.#limit)));
      this.#buffer.copy(grown, 0, 0, this.#length);
      this.#buffer = grown;
    }
    this.#buffer.set(source.subarray(start, end), this.#length);
    this.#length = needed;
  }

  get length(): number {
    return this.#length;
  }

  /** Bytes allocated, used or not. */
  get capacity(): number {
    return this.#buffer.length;
  }

  /** What was appended (a view: no copy). */
  bytes(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }
}
