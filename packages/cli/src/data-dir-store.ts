import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { SpanMetricsConsumer } from '@clew/server/span-metrics';
import type { DuckDBStore, MetricsStore } from '@clew/storage';

/*
 * The stores (DuckDB) and the server's span metrics are loaded when a data directory is opened, not with the command:
 * a command that reads from or writes to a running Clew, and --help, start without them.
 */

/**
 * DuckDB threads for a command's stores beside `busy` threads of its own that each keep a core busy (import -d: reading
 * and decoding JSON, encoding and storing; export -d: encoding what it reads): the cores they leave, at least one.
 * Given more, the thread running a statement (a page of a scan, a commit, a checkpoint) polls for the pool's tasks
 * and takes a core from the work it waits for: on two cores, 500,000 spans took 5–13% more CPU to import, and about
 * 5% more to export as protobuf, with two DuckDB threads than with one (bench/README.md, 2026-12-07). `clew archive
 * -d` leaves DuckDB every core: its copy is DuckDB's own work, while the command waits.
 */
export function duckdbThreadsBeside(busy: number): number {
  return Math.max(1, availableParallelism() - busy);
}

/**
 * The DuckDB store of a Clew data directory (`<dir>/store`), opened directly. DuckDB lets one process hold a file:
 * while a Clew runs on the directory, say so and how to go through it instead. To read (`existing`), a directory
 * without a store is refused: a mistyped path would otherwise be made into an empty data directory and read as one;
 * and so is one whose write-ahead log holds requests the store does not (a read would leave them out).
 */
export async function openDataDirStore(dir: string, opts: { readonly existing?: boolean; readonly threads?: number } = {}): Promise<DuckDBStore> {
  if (opts.existing && !(await stat(join(dir, 'store')).catch(() => undefined))?.isDirectory()) {
    throw new Error(`${dir} is not a Clew data directory (it has no store/): give the directory clew serve keeps its data in (--data-dir)`);
  }
  const { openDuckDBStore } = await import('@clew/storage');
  let store: DuckDBStore;
  try {
    store = await openDuckDBStore({ dir: join(dir, 'store'), memoryLimit: '1GB', threads: opts.threads });
  } catch (e) {
    throw inUse(dir, e);
  }
  if (opts.existing) {
    // Read as it is, the store would leave out spans a Clew acknowledged but had not written before it stopped.
    const { walRecordsAfter } = await import('@clew/server/data-dir');
    const waiting = await walRecordsAfter(join(dir, 'wal'), await store.lastWalPosition()).catch(async (e: unknown) => {
      await store.close();
      throw e;
    });
    if (waiting > 0) {
      await store.close();
      throw new Error(
        `the data directory ${dir} has ${waiting} accepted request(s) in its write-ahead log that its store does not hold yet ` +
          `(the Clew on it stopped before writing them, killed say): run clew serve -d ${dir} once, which writes them, stop it, and try again`,
      );
    }
  }
  return store;
}

/**
 * Refuses what cannot be a data directory to write to: a file, or a range archive (`clew archive --out`), inside which
 * its stores would be made.
 */
export async function refuseAsDataDir(dir: string): Promise<void> {
  if ((await stat(dir).catch(() => undefined))?.isDirectory() === false) throw new Error(`${dir} is a file, not a Clew data directory`);
  const { MANIFEST_FILE } = await import('@clew/storage');
  if ((await readdir(dir).catch(() => [] as string[])).some((n) => n === MANIFEST_FILE || n.endsWith('.parquet'))) {
    throw new Error(`${dir} is a range archive (clew archive --out), not a Clew data directory: attach it with clew serve --archive-dir, or give a data directory`);
  }
}

/** Span metrics counted into a data directory's metrics store (`<dir>/metrics`), as `clew serve` counts them. */
export interface DataDirMetrics {
  readonly consumer: SpanMetricsConsumer;
  /** Ends the service graph's waits (as if `serviceGraphWait` had passed), writes what is left, and closes the store. */
  close(): Promise<void>;
}

/**
 * Opens the metrics store `clew serve` keeps in a data directory (with `threads` DuckDB threads, default one per core)
 * and a span-metrics consumer over it, with the default `metrics` settings. The consumer counts spans that never went
 * through the directory's log (`importing`): the store's log position stays where the Clew that owns the directory
 * left it.
 */
export async function openDataDirMetrics(dir: string, threads?: number): Promise<DataDirMetrics> {
  const [{ metricsSectionsDefaults, openDataDirMetricsStore, SpanMetricsConsumer, spanMetricsOptions }, { pino }] = await Promise.all([
    import('@clew/server/span-metrics'),
    import('pino'),
  ]);
  const defaults = metricsSectionsDefaults();
  let store: MetricsStore;
  try {
    store = await openDataDirMetricsStore(dir, defaults, threads);
  } catch (e) {
    throw inUse(dir, e);
  }
  let ended = false;
  const consumer = await SpanMetricsConsumer.open(
    store,
    { ...spanMetricsOptions(defaults.metrics), now: () => (ended ? Infinity : Date.now()), importing: true },
    pino({ level: 'warn' }, process.stderr),
  ).catch(async (e: unknown) => {
    await store.close();
    throw e;
  });
  consumer.start();
  return {
    consumer,
    async close() {
      ended = true;
      try {
        await consumer.shutdown();
      } finally {
        await store.close();
      }
    },
  };
}

/** DuckDB's lock error said as what it means here: a running Clew holds the directory. Other errors as they are. */
function inUse(dir: string, e: unknown): unknown {
  const message = e instanceof Error ? e.message : String(e);
  if (!/lock/i.test(message)) return e;
  const pid = /PID (\d+)/.exec(message)?.[1];
  return new Error(
    `the data directory ${dir} is in use${pid ? ` by process ${pid}` : ''} (a running Clew holds its store): ` +
      'go through that Clew with --url http://host:16686 instead, or stop it first',
    { cause: e },
  );
}
