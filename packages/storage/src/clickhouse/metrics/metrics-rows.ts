import type { Tenant } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import type { EdgeRow, ErrorRow, MetricsBatch, SpanMetricsRow } from '../../metrics/metrics-store.js';
import { BinsAccumulator } from '../../metrics/duckdb/bins-accumulator.js';
import { encodeBins } from '../../metrics/duckdb/bins-codec.js';
import { checkTenant } from '../sql.js';

const MINUTE = 60_000;
const MAX_MINUTE = 2 ** 32 - 1;
const ERROR_STATUS = 2;

/** What one append inserts: the rows of each table, as JSONEachRow objects (64-bit numbers as strings). */
export interface AppendRows {
  readonly spans: Record<string, unknown>[];
  readonly edges: Record<string, unknown>[];
  readonly errors: Record<string, unknown>[];
}

function minuteOf(ms: number, what: string): number {
  const m = ms / MINUTE;
  if (!Number.isInteger(m) || m < 0 || m > MAX_MINUTE) throw new RangeError(`${what} minute ${ms} is not a whole minute since the epoch`);
  return m;
}

function kindOf(kind: number, what: string): number {
  if (!Number.isInteger(kind) || kind < 0 || kind > 255) throw new RangeError(`${what} kind ${kind} is not a span kind`);
  return kind;
}

const tenantOf = (t: Tenant | undefined): Tenant => (t === undefined ? DEFAULT_TENANT : checkTenant(t));

interface SpanCell {
  readonly tenant: Tenant;
  readonly minute: number;
  readonly service: string;
  readonly operation: string;
  readonly kind: number;
  count: number;
  errors: number;
  dur: number;
  readonly bins: BinsAccumulator;
}

/**
 * Span-metrics rows of a batch added up per (tenant, minute, service, operation, kind): statuses become `errors`
 * (the weight of ERROR spans), so a flush writes one row per series and minute.
 */
function spanRows(rows: readonly SpanMetricsRow[], source: string, pos: string): Record<string, unknown>[] {
  const cells = new Map<string, SpanCell>();
  for (const r of rows) {
    const tenant = tenantOf(r.tenant);
    const minute = minuteOf(r.minute, 'span metrics row');
    const kind = kindOf(r.kind, 'span metrics row');
    const key = `${tenant}\u0000${minute}\u0000${r.service}\u0000${r.operation}\u0000${kind}`;
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { tenant, minute, service: r.service, operation: r.operation, kind, count: 0, errors: 0, dur: 0, bins: new BinsAccumulator() }));
    c.count += r.count;
    if (r.status === ERROR_STATUS) c.errors += r.count;
    c.dur += r.durationSumNanos;
    c.bins.addBins(r.latency);
  }
  return [...cells.values()].map((c) => ({
    tenant: c.tenant,
    minute: c.minute,
    service: c.service,
    operation: c.operation,
    kind: c.kind,
    count: c.count,
    errors: c.errors,
    dur: c.dur,
    bins: encodeBins(c.bins.build()),
    source,
    wal_pos: pos,
  }));
}

const edgeRows = (rows: readonly EdgeRow[], source: string, pos: string): Record<string, unknown>[] =>
  rows.map((r) => ({
    tenant: tenantOf(r.tenant),
    minute: minuteOf(r.minute, 'edge row'),
    client: r.client,
    server: r.server,
    conn: r.connectionType,
    count: r.count,
    failed: r.failed,
    client_bins: encodeBins(r.clientLatency),
    server_bins: encodeBins(r.serverLatency),
    source,
    wal_pos: pos,
  }));

const errorRows = (rows: readonly ErrorRow[], source: string, pos: string): Record<string, unknown>[] =>
  rows.map((r) => ({
    tenant: tenantOf(r.tenant),
    minute: minuteOf(r.minute, 'error row'),
    service: r.service,
    operation: r.operation,
    kind: kindOf(r.kind, 'error row'),
    type: r.type,
    message: r.message,
    count: r.count,
    source,
    wal_pos: pos,
  }));

/** The rows of a batch, checked whole before anything is written (a bad row refuses the batch). */
export function appendRows(batch: MetricsBatch, source: string, walPosition: bigint): AppendRows {
  const pos = BigInt.asUintN(64, walPosition).toString();
  return { spans: spanRows(batch.spans, source, pos), edges: edgeRows(batch.edges, source, pos), errors: errorRows(batch.errors, source, pos) };
}
