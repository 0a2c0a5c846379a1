/**
 * A server's series state, one typed-array column per field, one slot per series.
 *
 * A 20,000-peer fleet has 60,000 series. As objects they cost ~140 bytes each (Node has no pointer
 * compression: 8-byte fields, and every double-valued field is a 16-byte heap number of its own);
 * here they cost ~50. `Series` (model.ts) is the short-lived view that reads and writes a slot.
 */
import { widened } from '../typed-columns.ts';
import type { ByteWriter } from './codec.ts';

/** The bits of `state`: the same as a checkpoint's states (codec.ts), so one is copied into the other. */
export const STATE_PRESENT = 1;
export const STATE_SEEN = 2;

export class SeriesColumns {
  /** Slots in use; the columns hold `capacity` ≥ this. */
  length = 0;
  /** Counters: cumulative including every reset; gauges/markers: the value. */
  value = new Float64Array(0);
  /** Counters: cumulative − the raw counter as last reported (changes only at resets). */
  offset = new Float64Array(0);
  /** STATE_PRESENT | STATE_SEEN. */
  state = new Uint8Array(0);
  /** Time of the latest gone/back event of a presence series: Infinity, none since → present throughout. */
  presenceAt = new Float64Array(0);
  /** Open-block encoding: the serial of the open block it belongs to (0: none), its base value, the
   *  index of its last written sample, and its DELTA tokens (no writer while every delta was zero). */
  blockSerial = new Uint32Array(0);
  base = new Float64Array(0);
  lastIndex = new Int32Array(0);
  /** By slot, only the series that changed in their open block: most of a big fleet's peers are idle,
   *  and a slot each for them (8 bytes of null) was 0.7 MiB at 20,000 peers (issue 14). A hash
   *  lookup per changed value instead: `npm run bench -- history`, record() of a 1,000-peer poll
   *  (40 % of peers moving) 134, 134 → 144–168 µs in three runs; the 10,000-peer poll unchanged. */
  readonly writers = new Map<number, ByteWriter>();

  /** Reserves `count` slots, initialised; returns the first. */
  allocate(count: number): number {
    const first = this.length;
    this.length += count;
    if (this.length > this.value.length) this.#grow(Math.max(16, this.length * 2));
    this.lastIndex.fill(-1, first, this.length);
    this.presenceAt.fill(Infinity, first, this.length);
    return first;
  }

  #grow(capacity: number): void {
    this.value = widened(this.value, capacity);
    this.offset = widened(this.offset, capacity);
    this.state = widened(this.state, capacity);
    this.presenceAt = widened(this.presenceAt, capacity);
    this.blockSerial = widened(this.blockSerial, capacity);
    this.base = widened(this.base, capacity);
    this.lastIndex = widened(this.lastIndex, capacity);
  }
}
