import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Tenant } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import { quote } from '../duckdb/partition-loader.js';
import type { Partition } from '../duckdb/partition.js';
import { ubigint } from '../duckdb/sql.js';
import type { RangeArchiveDay, RangeArchiveManifest } from './range-archive-manifest.js';
import type { ArchiveDaySource } from './range-archive-sql.js';
import { ARCHIVE_MACROS, partitionSource } from './range-archive-sql.js';
import type { ArchiveRange } from './range-archive-writer.js';
import { discardArchiveDir, interruptOnAbort, newArchiveDir, writeDayFile, writeManifest } from './range-archive-writer.js';

const DAY_NS = 86_400_000_000_000n;

/** A range archive of one tenant's spans, written from the store that holds them. */
export interface StoreArchiveRequest extends ArchiveRange {
  readonly out: string;
  readonly tenant: Tenant;
}

/**
 * Spans copied so far and in all: told before the first day's file, after each, and while one is written, from
 * DuckDB's progress through its query (every PROGRESS_MS).
 */
export type ArchiveProgress = (spans: number, total: number) => void;

/**
 * Told of each day's file once it is written, before the next is begun (a Clew sends it to `clew archive --url` and
 * removes it); a rejection fails the archive.
 */
export type ArchiveFileHandler = (day: RangeArchiveDay, path: string) => Promise<void>;

/** What a caller of copyRangeArchive hears of it, and how it stops it. */
export interface ArchiveOptions {
  readonly progress?: ArchiveProgress | undefined;
  readonly onFile?: ArchiveFileHandler | undefined;
  /**
   * Stops the archive (Ctrl-C, a client gone): the COPY under way is interrupted, what was written removed, and the
   * archive rejects with the signal's reason.
   */
  readonly signal?: AbortSignal | undefined;
}

/** The temporary tables a copy keeps on its connection: the archive's ids of the day's resources and scopes. */
const RESOURCES = 'clew_archive_resources';
const SCOPES = 'clew_archive_scopes';
const TRACES = 'clew_archive_traces';
const PROGRESS_MS = 500;

/**
 * Writes a range archive straight from a DuckDB store's partitions, the spans never leaving DuckDB: each day's file is
 * COPYed from the partitions' own tables (the body as the store encoded it), where RangeArchiveWriter decodes the
 * spans into JavaScript and encodes them again into a staging file first (44 of an archive's 98 seconds, before:
 * docs/archive.md). What it writes is what RangeArchiveWriter writes of the same spans but for the numbering of
 * resources, scopes and tenants.
 *
 * The spans are those of the tenant starting in the range or, with a service, every span of the traces having a span
 * of that service starting in it (as `selectSpans` takes them), each under the UTC day it starts in. A store's
 * partitions are periods of arrival, so a day's spans can be in several; each numbers its resources, scopes and
 * tenants on its own, so the day's are numbered afresh (resources and scopes by their encoding, the tenant 0 when it
 * is the default and 1 otherwise, as a staging partition numbers them).
 */
export async function copyRangeArchive(
  conn: DuckDBConnection,
  partitions: readonly Partition[],
  req: StoreArchiveRequest,
  { progress, onFile, signal }: ArchiveOptions = {},
): Promise<RangeArchiveManifest> {
  signal?.throwIfAborted();
  const made = await newArchiveDir(req.out);
  const stopInterrupting = interruptOnAbort(conn, signal);
  try {
    signal?.throwIfAborted();
    for (const sql of ARCHIVE_MACROS) await conn.run(sql);
    // One snapshot for the counts and every day's COPY: spans appended meanwhile (by a Clew on the store) are in
    // neither, so the manifest says what the files hold.
    await conn.run('BEGIN TRANSACTION');
    const own = partitionsRead(partitions, req);
    const inRange = `start_ns >= ${ubigint(req.start)} AND start_ns < ${ubigint(req.end)}`;
    let selected = inRange;
    if (req.service !== undefined) {
      await selectTraces(conn, own, req.tenant, inRange, req.service);
      selected = `trace_id IN (SELECT trace_id FROM ${TRACES})`;
    }
    // Which days each partition has spans of, and their counts.
    const days = new Map<number, { parts: Partition[]; spans: number; minStart: bigint; maxStart: bigint }>();
    for (const p of own) {
      const rows = await readRows(
        conn,
        `SELECT start_ns // ${DAY_NS}, count(*), min(start_ns), max(start_ns) FROM ${p.alias}.spans
         WHERE ${selected} AND ${p.tenantCondition(req.tenant, true)} GROUP BY 1`,
      );
      for (const [d, n, min, max] of rows) {
        const day = Number(d);
        const seen = days.get(day);
        if (seen === undefined) days.set(day, { parts: [p], spans: Number(n), minStart: min as bigint, maxStart: max as bigint });
        else {
          seen.parts.push(p);
          seen.spans += Number(n);
          if ((min as bigint) < seen.minStart) seen.minStart = min as bigint;
          if ((max as bigint) > seen.maxStart) seen.maxStart = max as bigint;
        }
      }
    }
    const total = [...days.values()].reduce((n, d) => n + d.spans, 0);
    progress?.(0, total);
    if (progress) await conn.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
    const files: RangeArchiveDay[] = [];
    let done = 0;
    for (const day of [...days.keys()].sort((a, b) => a - b)) {
      const { parts, spans, minStart, maxStart } = days.get(day)!;
      const ofDay = `${selected} AND start_ns >= ${ubigint(BigInt(day) * DAY_NS)} AND start_ns < ${ubigint(BigInt(day + 1) * DAY_NS)}`;
      signal?.throwIfAborted();
      const src = await daySource(conn, parts, req.tenant, ofDay);
      // Told every PROGRESS_MS, whether DuckDB knows how far it is or not (-1 while it cannot tell), never going back:
      // a Clew sends each as a frame, which also keeps the answer moving through a long day (an HTTP client gives up
      // on an answer that stalls for minutes).
      let shown = done;
      const poll = progress && setInterval(() => {
        const { percentage } = conn.progress;
        if (percentage > 0) shown = Math.max(shown, done + Math.floor((spans * Math.min(percentage, 100)) / 100));
        progress(shown, total);
      }, PROGRESS_MS);
      let file: RangeArchiveDay;
      try {
        file = await writeDayFile(conn, src, req.out, day, { spans, minStart, maxStart, tenants: { [req.tenant]: spans } });
      } finally {
        clearInterval(poll);
      }
      files.push(file);
      signal?.throwIfAborted();
      await onFile?.(file, join(req.out, file.file));
      progress?.((done += spans), total);
    }
    await conn.run('COMMIT');
    return await writeManifest(req.out, req, files);
  } catch (e) {
    stopInterrupting();
    await conn.run('ROLLBACK').catch(() => undefined);
    await discardArchiveDir(req.out, made);
    // Stopped: why, rather than DuckDB's "Interrupted!".
    throw signal?.aborted ? signal.reason : e;
  } finally {
    stopInterrupting();
    for (const t of [RESOURCES, SCOPES, TRACES]) await conn.run(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
    if (progress) await conn.run('RESET enable_progress_bar; RESET enable_progress_bar_print').catch(() => undefined);
  }
}

/**
 * The partitions an archive reads: the live ones holding spans of the tenant and, without a service, spans starting in
 * the range (with one, any of them may hold a span of a selected trace).
 */
export function partitionsRead(partitions: readonly Partition[], req: StoreArchiveRequest): Partition[] {
  return partitions.filter(
    (p) => !p.archived && p.tenantCondition(req.tenant, true) !== null && (req.service !== undefined || p.overlaps(req.start, req.end - 1n)),
  );
}

/** The ids of the traces with a span of `service` starting in the range, into TRACES. */
async function selectTraces(conn: DuckDBConnection, parts: readonly Partition[], tenant: Tenant, inRange: string, service: string): Promise<void> {
  const each = parts.map(
    (p) => `SELECT s.trace_id FROM ${p.alias}.spans s JOIN ${p.alias}.resources r ON r.id = s.res_id
            WHERE r.service = ${quote(service)} AND ${inRange} AND ${p.tenantCondition(tenant, true)}`,
  );
  const union = each.length === 0 ? 'SELECT NULL::UHUGEINT AS trace_id WHERE false' : each.join(' UNION ALL ');
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${TRACES} AS SELECT DISTINCT trace_id FROM (${union})`);
}

/**
 * The day's spans of the tenant in the partitions `parts` (those that have some), as one source: each partition's
 * resource and scope ids mapped onto ids numbered by encoding, the tenant's id made 0 for the default and 1 otherwise.
 */
async function daySource(conn: DuckDBConnection, parts: readonly Partition[], tenant: Tenant, where: string): Promise<ArchiveDaySource> {
  if (parts.length === 1) {
    const p = parts[0]!;
    return { ...partitionSource(p.alias), spans: `(SELECT * FROM ${p.alias}.spans WHERE ${where} AND ${p.tenantCondition(tenant, true)})` };
  }
  const tenantId = tenant === DEFAULT_TENANT ? 0 : 1;
  const of = (table: string, columns: string): string => parts.map((p, i) => `SELECT ${i} AS part, ${columns} FROM ${p.alias}.${table}`).join(' UNION ALL ');
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${RESOURCES} AS
     SELECT part, id, service, enc, (dense_rank() OVER (ORDER BY enc) - 1)::UINTEGER AS nid FROM (${of('resources', 'id, service, enc')})`,
  );
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${SCOPES} AS
     SELECT part, id, enc, (dense_rank() OVER (ORDER BY enc) - 1)::UINTEGER AS nid FROM (${of('scopes', 'id, enc')})`,
  );
  const spans = parts
    .map((p, i) => `SELECT ${i} AS part, * FROM ${p.alias}.spans WHERE ${where} AND ${p.tenantCondition(tenant, true)}`)
    .join(' UNION ALL ');
  return {
    spans: `(SELECT s.* EXCLUDE (part) REPLACE (r.nid AS res_id, c.nid AS scope_id, ${tenantId}::UINTEGER AS tenant_id)
      FROM (${spans}) s
        JOIN ${RESOURCES} r ON r.part = s.part AND r.id = s.res_id
        JOIN ${SCOPES} c ON c.part = s.part AND c.id = s.scope_id)`,
    resources: `(SELECT DISTINCT nid AS id, service, enc FROM ${RESOURCES})`,
    scopes: `(SELECT DISTINCT nid AS id, enc FROM ${SCOPES})`,
    tenants: `(SELECT ${tenantId}::UINTEGER AS id, ${quote(tenant)} AS name)`,
  };
}

async function readRows(conn: DuckDBConnection, sql: string): Promise<unknown[][]> {
  return (await conn.runAndReadAll(sql)).getRows();
}
