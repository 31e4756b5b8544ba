/**
 * A map that keeps only the `capacity` most recently touched members: touching moves a member to the newest end,
 * adding past capacity drops the oldest. A Map keeps insertion order, which is all the bookkeeping needed.
 */
export class RecentMap<K, V> {
  private readonly map = new Map<K, V>();
  private newest: K | undefined;
  constructor(private readonly capacity: number) {}

  /** The value for `key`, made the most recent; undefined when there is none (then `add` it). */
  touch(key: K): V | undefined {
    const v = this.map.get(key);
    // Already the newest (a run of spans of one service, say): moving it would only leave a hole in the map.
    if (v === undefined || key === this.newest) return v;
    this.map.delete(key);
    this.map.set(key, v);
    this.newest = key;
    return v;
  }

  /** Adds `key`, which touch said is not here, as the most recent; the oldest member goes when the map is full. */
  add(key: K, v: V): V {
    // A new iterator each time, not one kept to walk the map: a Map's iterator keeps every table the map grew or
    // compacted into since it last moved, and touches compact it often (2,000,000 touches of 500 keys: 158 MB kept).
    if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value as K);
    this.map.set(key, v);
    this.newest = key;
    return v;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Entries, oldest first. */
  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }

  get size(): number {
    return this.map.size;
  }
}
