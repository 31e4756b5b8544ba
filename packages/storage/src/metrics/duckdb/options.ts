export interface DuckDBMetricsStoreOptions {
  /** The DuckDB file, e.g. `<dataDir>/metrics/metrics.duckdb` (its directory is created when missing). */
  readonly path: string;
  /** DuckDB's memory_limit. Default '512MB'. */
  readonly memoryLimit?: string;
  /** DuckDB worker threads; default one per core this process may run on (os.availableParallelism()). */
  readonly threads?: number;
  /** How often compaction, rollups and a checkpoint run, off the append path; 0 turns the timer off. Default 60 s. */
  readonly maintenanceIntervalMs?: number;
  /**
   * Bytes of merged closed periods kept in memory to answer the next queries of the same shape (see the storage
   * README's "Reads: closed periods cached"); 0 turns the cache off. Default 64 MiB.
   */
  readonly spanCacheBytes?: number;
  /**
   * For tests: awaited by each span-metrics read between planning its tables and running its statement, to hold a
   * read there while maintenance is asked to run.
   */
  readonly afterPlan?: () => Promise<void>;
}
