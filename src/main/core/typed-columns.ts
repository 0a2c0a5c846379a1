/**
 * Growing a typed-array column. The engine keeps per-peer numbers in columns rather than an object per
 * peer: Node has no pointer compression, so every double in an object is a 16-byte heap number of its
 * own besides its 8-byte field, and a 20,000-peer fleet pays that per field (issue 14).
 */
type Column = Float64Array | Uint32Array | Int32Array | Uint8Array;

/** `column` copied into a new one of `capacity` slots (zeros beyond the old ones). */
export function widened<T extends Column>(column: T, capacity: number): T {
  const fresh = new (column.constructor as new (length: number) => T)(capacity);
  fresh.set(column);
  return fresh;
}
