import type { DuckDBConnection } from '@duckdb/node-api';
import type { Tenant } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import type { EdgeConnectionType, EdgePoint, EdgeQuery, EdgeRow, ErrorQuery, ErrorRow, ErrorTotal } from '../metrics-store.js';
import { BinsAccumulator } from './bins-accumulator.js';
import { encodeBins } from './bins-codec.js';
import { forEachChunk } from './read-chunks.js';
import { queryMinutes, stepMinutes } from './span-metrics-reader.js';

const MINUTE = 60_000;

function minuteOf(ms: number, what: string): number {
  if (ms % MINUTE !== 0) throw new RangeError(`${what} minute ${ms} is not a whole minute`);
  return ms / MINUTE;
}

/** Appends edge rows as they come (deltas; a few hundred a minute, so they are not compacted). */
export async function appendEdges(conn: DuckDBConnection, rows: readonly EdgeRow[]): Promise<void> {
  if (rows.length === 0) return;
  const a = await conn.createAppender('edge_min');
  try {
    for (const r of rows) {
      a.appendInteger(minuteOf(r.minute, 'edge row'));
      a.appendVarchar(r.client);
      a.appendVarchar(r.server);
      a.appendVarchar(r.connectionType);
      a.appendDouble(r.count);
      a.appendDouble(r.failed);
      a.appendVarchar(encodeBins(r.clientLatency));
      a.appendVarchar(encodeBins(r.serverLatency));
      a.appendVarchar(r.tenant ?? DEFAULT_TENANT);
      a.endRow();
    }
    a.flushSync();
  } finally {
    a.closeSync();
  }
}

export async function appendErrors(conn: DuckDBConnection, rows: readonly ErrorRow[]): Promise<void> {
  if (rows.length === 0) return;
  const a = await conn.createAppender('error_min');
  try {
    for (const r of rows) {
      a.appendInteger(minuteOf(r.minute, 'error row'));
      a.appendVarchar(r.service);
      a.appendVarchar(r.operation);
      a.appendUTinyInt(r.kind);
      a.appendVarchar(r.type);
      a.appendVarchar(r.message);
      a.appendDouble(r.count);
      a.appendVarchar(r.tenant ?? DEFAULT_TENANT);
      a.endRow();
    }
    a.flushSync();
  } finally {
    a.closeSync();
  }
}

interface EdgeCell {
  t: number;
  client: string;
  server: string;
  connectionType: EdgeConnectionType;
  count: number;
  failed: number;
  clientBins: BinsAccumulator;
  serverBins: BinsAccumulator;
}

/** A tenant's edges per bucket: counts added up and bins merged in JavaScript, like span metrics. */
export async function readEdges(conn: DuckDBConnection, tenant: Tenant, q: EdgeQuery): Promise<EdgePoint[]> {
  const [fromT, toT] = queryMinutes(q.from, q.to);
  const stepT = stepMinutes(q.step);
  if (toT <= fromT) return [];
  const service = q.service === undefined ? '' : ' AND (client = $2 OR server = $2)';
  const cells = new Map<string, EdgeCell>();
  const sql = `SELECT t, client, server, conn, count, failed, client_bins, server_bins FROM edge_min
    WHERE t >= ${fromT} AND t < ${toT} AND tenant = $1${service}`;
  await forEachChunk(conn, sql, q.service === undefined ? [tenant] : [tenant, q.service], (chunk) => {
    const [t, client, server, ct, count, failed] = [0, 1, 2, 3, 4, 5].map((i) => chunk.getColumnVector(i));
    const cb = chunk.getColumnVector(6);
    const sb = chunk.getColumnVector(7);
    for (let i = 0; i < chunk.rowCount; i++) {
      const start = stepT === undefined ? q.from : Math.floor((t!.getItem(i) as number) / stepT) * stepT * MINUTE;
      const c = client!.getItem(i) as string;
      const s = server!.getItem(i) as string;
      const k = ct!.getItem(i) as EdgeConnectionType;
      const key = `${start}\u0000${c}\u0000${s}\u0000${k}`;
      let cell = cells.get(key);
      if (!cell) {
        cell = { t: start, client: c, server: s, connectionType: k, count: 0, failed: 0, clientBins: new BinsAccumulator(), serverBins: new BinsAccumulator() };
        cells.set(key, cell);
      }
      cell.count += count!.getItem(i) as number;
      cell.failed += failed!.getItem(i) as number;
      cell.clientBins.addEncoded(cb.getItem(i) as string);
      cell.serverBins.addEncoded(sb.getItem(i) as string);
    }
  });
  return [...cells.values()]
    .map(({ clientBins, serverBins, ...rest }) => ({ ...rest, clientLatency: clientBins.build(), serverLatency: serverBins.build() }))
    .sort((a, b) => a.t - b.t || cmp(a.client, b.client) || cmp(a.server, b.server) || cmp(a.connectionType, b.connectionType));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A tenant's most frequent errors of a service (and operation) in the window; ties go to the most recent, then by
 * name.
 */
export async function readTopErrors(conn: DuckDBConnection, tenant: Tenant, q: ErrorQuery): Promise<ErrorTotal[]> {
  const [fromT, toT] = queryMinutes(q.from, q.to);
  if (toT <= fromT || q.limit <= 0) return [];
  const params: string[] = [q.service, tenant];
  if (q.operation !== undefined) params.push(q.operation);
  const rows = (
    await conn.runAndReadAll(
      `SELECT operation, type, message, sum(count) AS n, max(t) AS last FROM error_min
       WHERE t >= ${fromT} AND t < ${toT} AND service = $1 AND tenant = $2${q.operation === undefined ? '' : ' AND operation = $3'}
       GROUP BY operation, type, message
       ORDER BY n DESC, last DESC, operation, type, message
       LIMIT ${Math.floor(q.limit)}`,
      params,
    )
  ).getRows();
  return rows.map(([operation, type, message, n, last]) => ({
    operation: operation as string,
    type: type as string,
    message: message as string,
    count: Number(n),
    lastSeen: Number(last) * MINUTE,
  }));
}

