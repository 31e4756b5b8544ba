import type { Tenant, UnixNanos } from '@clew/model';

export interface DuckDBStoreOptions {
  /** Directory holding one DuckDB file per partition (created when missing). */
  readonly dir: string;
  /** DuckDB's memory_limit, e.g. '1GB'. Default '1GB'. */
  readonly memoryLimit?: string;
  /** DuckDB worker threads; default one per core this process may run on (os.availableParallelism()). */
  readonly threads?: number;
  /** Clock for partitioning and retention; injectable for tests. Default: the wall clock. */
  readonly now?: () => UnixNanos;
  /** Length of one partition's ingest period, in hours. Default 24. */
  readonly partitionHours?: number;
  /** How often written partitions are checkpointed, off the append path; 0 turns the timer off. Default 15 minutes. */
  readonly checkpointIntervalMs?: number;
  /**
   * Also checkpoint once a partition has taken this many spans since its last checkpoint, so that no checkpoint
   * (which blocks commits while it runs) has much to do. Default 250,000 (a few hundred ms of checkpoint).
   */
  readonly checkpointSpans?: number;
  /** Range archive directories (`clew archive --out`) whose days are read beside the live spans, read-only. */
  rangeArchives?: readonly string[];
  /**
   * Where the range archives stop answering for a tenant: its earliest live span start (undefined: none). By default
   * this store's own live partitions'; a store holding only archives, beside a live store elsewhere, is given that
   * store's (see RangeArchiveUnionStore).
   */
  readonly liveFrom?: (tenant: Tenant) => bigint | undefined;
}
