/**
 * A map that keeps only the `capacity` most recently touched members: touching moves a member to the newest end,
 * adding past capacity drops the oldest. A Map keeps insertion order, which is all the bookkeeping needed.
 */
export class RecentMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number) {}

  /** The value for `key`, created by `make` when new; either way `key` becomes the most recent. */
  touch(key: K, make: () => V): V {
    let v = this.map.get(key);
    if (v === undefined) {
      v = make();
      if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value as K);
    } else if (key === this.newest) {
      // Already the newest (a run of spans of one service, say): moving it would only leave a hole in the map.
      return v;
    } else {
      this.map.delete(key);
    }
    this.map.set(key, v);
    this.newest = key;
    return v;
  }
  private newest: K | undefined;

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
