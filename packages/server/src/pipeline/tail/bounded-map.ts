/**
 * A map that keeps at most `capacity` entries, forgetting the least recently used first: `get` and `set` make an
 * entry the most recent. Backs the decision cache and the per-operation and per-service state of the policies, so
 * that none of them grows with the number of traces, operations or services seen.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();
  /** Entries forgotten to stay within the capacity, since the map was made. */
  evictions = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // A Map iterates in insertion order: re-inserting moves the entry to the recent end.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as K);
      this.evictions++;
    }
  }
}
