export interface DuckDBMetricsStoreOptions {
  /** The DuckDB file, e.g. `<dataDir>/metrics/metrics.duckdb` (its directory is created when missing). */
  readonly path: string;
  /** DuckDB's memory_limit. Default '512MB'. */
  readonly memoryLimit?: string;
  /** DuckDB worker threads; default DuckDB's (one per core). */
  readonly threads?: number;
  /** How often compaction, rollups and a checkpoint run, off the append path; 0 turns the timer off. Default 60 s. */
  readonly maintenanceIntervalMs?: number;
  /**
   * For tests: awaited by each span-metrics read between planning its tables and running its statement, to hold a
   * read there while maintenance is asked to run.
   */
  readonly afterPlan?: () => Promise<void>;
}
