import type { DuckDBValue } from '@duckdb/node-api';
import type { Span, SpanId, SpanKind, TraceId, UnixNanos } from '@clew/model';
import type { Partition } from './partition.js';
import { decodeBody, statusCode } from './span-codec.js';
import { hex16, hex32 } from './sql.js';

/** The columns readSpan expects, in order. */
export const READ_COLUMNS = 'trace_id, span_id, parent_id, start_ns, duration_ns, name, kind, status_code, res_id, scope_id, attrs';

/** A span back from a row of READ_COLUMNS; resource and scope come from the partition's cache. */
export function readSpan(row: readonly DuckDBValue[], p: Partition): Span {
  const start = row[3] as UnixNanos;
  const { attributes, events, rest } = decodeBody(row[10] as string, start);
  const resource = p.resources.get(Number(row[8]));
  const scope = p.scopes.get(Number(row[9]));
  if (!resource || !scope) throw new Error(`partition ${p.file} is corrupt: span refers to a missing resource or scope`);
  return {
    traceId: hex32(row[0] as bigint) as TraceId,
    spanId: hex16(row[1] as bigint) as SpanId,
    parentSpanId: row[2] === null ? null : (hex16(row[2] as bigint) as SpanId),
    traceState: rest.traceState,
    flags: rest.flags,
    name: row[5] as string,
    kind: Number(row[6]) as SpanKind,
    startTimeUnixNano: start,
    endTimeUnixNano: BigInt.asUintN(64, start + (row[4] as bigint)) as UnixNanos,
    attributes,
    droppedAttributesCount: rest.droppedAttributesCount,
    events,
    droppedEventsCount: rest.droppedEventsCount,
    links: rest.links,
    droppedLinksCount: rest.droppedLinksCount,
    status: { code: statusCode(Number(row[7])), message: rest.statusMessage },
    resource: resource.resource,
    scope,
  };
}
