/**
 * Readers share, a change to the set of tables a read plans against takes the lock alone (see the storage
 * README's "Reads and maintenance"). A read plans its tables from memory and then runs its statement; holding the
 * lock across both means no swap, drop or new table commits in between, whatever DuckDB's snapshot would show.
 * Waiting changes go first: a read that asks after one waits for it and plans against the new set, so a stream of
 * reads cannot hold maintenance off.
 */
export class ReadLock {
  private readers = 0;
  private changing = false;
  private readonly waiting: { exclusive: boolean; go: () => void }[] = [];

  /** Whether a change is waiting for reads to finish (tests wait for it to hold a read across a change). */
  get changeWaiting(): boolean {
    return this.waiting.some((w) => w.exclusive);
  }

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    if (this.changing || this.waiting.length > 0) await new Promise<void>((go) => this.waiting.push({ exclusive: false, go }));
    else this.readers++;
    try {
      return await fn();
    } finally {
      this.readers--;
      this.next();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.changing || this.readers > 0 || this.waiting.length > 0) await new Promise<void>((go) => this.waiting.push({ exclusive: true, go }));
    else this.changing = true;
    try {
      return await fn();
    } finally {
      this.changing = false;
      this.next();
    }
  }

  /** Hands the lock on, in arrival order: the next change once no reader holds it, or every read queued before it. */
  private next(): void {
    if (this.changing) return;
    while (this.waiting[0] && !this.waiting[0].exclusive) {
      this.readers++;
      this.waiting.shift()!.go();
    }
    if (this.readers === 0 && this.waiting[0]) {
      this.changing = true;
      this.waiting.shift()!.go();
    }
  }
}
