/**
 * A map that keeps only the `capacity` most recently touched members: touching moves a member to the newest end,
 * adding past capacity drops the oldest. A Map keeps insertion order, which is all the bookkeeping needed.
 */
export class RecentMap<K, V> {
  private readonly map = new Map<K, V>();
  /**
   * Walks the map oldest first, one step per member dropped. A Map's iterator goes on past deletions and visits what
   * is added after it, and every member before it was dropped (a member touched again was added anew, behind it), so
   * its next key is always the oldest member. Kept rather than asked for each time: a new iterator was an object made
   * for every member dropped, and a catalog drops one for most new values it learns.
   */
  private oldest: Iterator<K> = this.map.keys();
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
    if (this.map.size >= this.capacity) {
      let next = this.oldest.next();
      // Only if the walk went past every member, which the reasoning above rules out: start again from the oldest.
      if (next.done === true) next = (this.oldest = this.map.keys()).next();
      this.map.delete(next.value as K);
    }
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
