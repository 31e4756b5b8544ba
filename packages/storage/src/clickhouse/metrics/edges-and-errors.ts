import type { Tenant } from '@clew/model';
import type { EdgeConnectionType, EdgePoint, EdgeQuery, ErrorQuery, ErrorTotal } from '../../metrics/metrics-store.js';
import { BinsAccumulator } from '../../metrics/duckdb/bins-accumulator.js';
import { BinsReader } from '../../metrics/duckdb/bins-codec.js';
import { queryMinutes, stepMinutes } from '../../metrics/duckdb/span-metrics-reader.js';
import { str } from '../sql.js';
import type { Select } from './span-metrics-sql.js';
import { bucketSql, cmp } from './span-metrics-sql.js';

const MINUTE = 60_000;

const merged = (text: string, n: number): BinsAccumulator => {
  const acc = new BinsAccumulator();
  acc.addFrom(new BinsReader(text), n);
  return acc;
};

/** A tenant's edges per bucket: added up in SQL, bins concatenated there and merged here, like span metrics. */
export async function readEdges(select: Select, db: string, tenant: Tenant, q: EdgeQuery): Promise<EdgePoint[]> {
  const [fromT, toT] = queryMinutes(q.from, q.to);
  const stepT = stepMinutes(q.step);
  if (toT <= fromT) return [];
  const service = q.service === undefined ? '' : ` AND (client = ${str(q.service)} OR server = ${str(q.service)})`;
  const rows = await select<{ bucket: number; client: string; server: string; conn: string; c: number; f: number; n: string; cb: string; sb: string }>(
    `SELECT ${bucketSql(stepT)} AS bucket, client, server, conn, sum(count) AS c, sum(failed) AS f, count() AS n,
       arrayStringConcat(groupArray(client_bins)) AS cb, arrayStringConcat(groupArray(server_bins)) AS sb
     FROM ${db}.metric_edges
     WHERE tenant = ${str(tenant)} AND minute >= ${fromT} AND minute < ${toT}${service}
     GROUP BY bucket, client, server, conn`,
  );
  return rows
    .filter((r) => Number(r.n) > 0)
    .map((r) => ({
      t: stepT === undefined ? q.from : Number(r.bucket) * MINUTE,
      client: r.client,
      server: r.server,
      connectionType: r.conn as EdgeConnectionType,
      count: r.c,
      failed: r.f,
      clientLatency: merged(r.cb, Number(r.n)).build(),
      serverLatency: merged(r.sb, Number(r.n)).build(),
    }))
    .sort((a, b) => a.t - b.t || cmp(a.client, b.client) || cmp(a.server, b.server) || cmp(a.connectionType, b.connectionType));
}

/** A tenant's most frequent errors of a service (and operation) in the window; ties go to the most recent, then by name. */
export async function readTopErrors(select: Select, db: string, tenant: Tenant, q: ErrorQuery): Promise<ErrorTotal[]> {
  const [fromT, toT] = queryMinutes(q.from, q.to);
  if (toT <= fromT || q.limit <= 0) return [];
  const operation = q.operation === undefined ? '' : ` AND operation = ${str(q.operation)}`;
  const rows = await select<{ operation: string; type: string; message: string; n: number; last: number }>(
    `SELECT operation, type, message, sum(count) AS n, max(minute) AS last
     FROM ${db}.metric_errors
     WHERE tenant = ${str(tenant)} AND service = ${str(q.service)} AND minute >= ${fromT} AND minute < ${toT}${operation}
     GROUP BY operation, type, message
     ORDER BY n DESC, last DESC, operation, type, message
     LIMIT ${Math.floor(q.limit)}`,
  );
  return rows.map((r) => ({ operation: r.operation, type: r.type, message: r.message, count: r.n, lastSeen: Number(r.last) * MINUTE }));
}
