export interface ClickHouseMetricsStoreOptions {
  /** The server's HTTP interface, e.g. http://127.0.0.1:8123. */
  readonly url: string;
  /** Created at open when missing; default `clew` (the span store's database: the tables do not clash). */
  readonly database?: string;
  readonly username?: string;
  readonly password?: string;
  /**
   * Who writes: each collector names its own (default `default`), and lastPosition is that source's, as for the
   * span store: several collectors append to one database, each counting its own write-ahead log.
   */
  readonly source?: string;
}
