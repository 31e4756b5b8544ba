import type { UnixNanos } from '@clew/model';

export interface ClickHouseStoreOptions {
  /** The server's HTTP interface, e.g. http://127.0.0.1:8123. */
  readonly url: string;
  /** Created at open when missing; default `clew`. Letters, digits and `_` only. */
  readonly database?: string;
  readonly username?: string;
  readonly password?: string;
  /**
   * Who writes: each collector names its own (default `default`), and lastWalPosition is that source's. Several
   * collectors share one database, each with its own write-ahead log and position.
   */
  readonly source?: string;
  /**
   * A cluster named in the servers' remote_servers: the span tables become local tables on every shard with
   * Distributed tables over them (see cluster.ts). `url` is the server reads go to (any of the cluster's).
   */
  readonly cluster?: string;
  /** With `cluster`: the HTTP URL of each shard's server, which Clew migrates and writes directly. */
  readonly shards?: readonly string[];
  /** The ingest clock: it picks the day partition of an append. */
  readonly now?: () => UnixNanos;
}
