import type { Millis } from '@clew/analysis';
import type { MetricsReader } from '@clew/storage';

const COLLECTION = 'leases';
const ID = 'slo-evaluator';

interface LeaseBody {
  readonly holder: string;
  /** Epoch ms after which another node may take the lease. */
  readonly until: Millis;
}

function parse(body: string | undefined): LeaseBody | undefined {
  if (body === undefined) return undefined;
  try {
    const b = JSON.parse(body) as Partial<LeaseBody>;
    return typeof b.holder === 'string' && typeof b.until === 'number' ? { holder: b.holder, until: b.until } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which of several query nodes over one shared metrics store evaluates the SLOs and sends their alerts: a lease
 * kept as a document of the store (DEFAULT_TENANT's `leases` collection), held by one node at a time and renewed at
 * every evaluation; when its holder stops renewing it (stopped, killed, cut off), another node takes it once it has
 * run out. Two nodes that find it free at once both write it and, after a moment, read it back: the store keeps one
 * write (the later version), so one of them goes on. A node that takes the lease over must read the alert states again: the
 * previous holder changed them.
 */
export class EvaluatorLease {
  private held = false;

  /**
   * @param holder this node's name, unique among the nodes (host, pid and a random part)
   * @param ttlMs how long a lease lasts unrenewed: a few evaluation intervals
   * @param settleMs how long a node taking the lease waits before reading it back, so that a node which found it
   *   free at the same moment has written too and both read the same winner
   */
  constructor(
    private readonly store: MetricsReader,
    readonly holder: string,
    private readonly ttlMs: Millis,
    private readonly settleMs: Millis = 2_000,
  ) {}

  /** Whether this node held the lease at its last `acquire`. */
  get holding(): boolean {
    return this.held;
  }

  /**
   * Takes or renews the lease; true when this node holds it now. `gained` is true when it did not hold it at the
   * previous call.
   */
  async acquire(now: Millis): Promise<{ holds: boolean; gained: boolean }> {
    const was = this.held;
    const current = await this.read();
    if (current !== undefined && current.holder !== this.holder && current.until > now) {
      this.held = false;
      return { holds: false, gained: false };
    }
    await this.store.putDocument(COLLECTION, { id: ID, body: JSON.stringify({ holder: this.holder, until: now + this.ttlMs }), updatedAt: now });
    // Another node may have found it free too: once both have written, the store's answer is the one that counts.
    if (current?.holder !== this.holder && this.settleMs > 0) await new Promise((r) => setTimeout(r, this.settleMs));
    this.held = (await this.read())?.holder === this.holder;
    return { holds: this.held, gained: this.held && !was };
  }

  /** Gives the lease up (on a clean stop), so that another node takes it at its next evaluation. */
  async release(now: Millis): Promise<void> {
    if (!this.held) return;
    this.held = false;
    const current = await this.read();
    if (current?.holder === this.holder) {
      await this.store.putDocument(COLLECTION, { id: ID, body: JSON.stringify({ holder: this.holder, until: now }), updatedAt: now });
    }
  }

  private async read(): Promise<LeaseBody | undefined> {
    return parse((await this.store.listDocuments(COLLECTION)).find((d) => d.id === ID)?.body);
  }
}
