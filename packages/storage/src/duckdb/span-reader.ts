import type { DuckDBValue } from '@duckdb/node-api';
import type { Span, SpanId, SpanKind, SpanOutline, TraceId, UnixNanos } from '@clew/model';
import type { Partition } from './partition.js';
import { decodeBody, decodeEventMarks, EVENTS_SQL, statusCode } from './span-codec.js';
import { hex16, hex32 } from './sql.js';

/** What an outline needs: no attribute text, only the events part of the body. */
export const OUTLINE_COLUMNS = `span_id, parent_id, start_ns, duration_ns, name, kind, status_code, res_id, ${EVENTS_SQL} AS events`;

/** The columns readSpan expects, in order. */
export const READ_COLUMNS = 'trace_id, span_id, parent_id, start_ns, duration_ns, name, kind, status_code, res_id, scope_id, attrs';

/** A span back from a row of READ_COLUMNS; resource and scope come from the partition's cache. */
export function readSpan(row: readonly DuckDBValue[], p: Partition): Span {
  return spanOf(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10], p);
}

/**
 * Row `i`'s span from READ_COLUMNS read as columns: a page of rows read column by column builds no array per row,
 * which a scan of every span (an export) felt.
 */
export function readSpanAt(columns: readonly (readonly DuckDBValue[])[], i: number, p: Partition): Span {
  const c = columns;
  return spanOf(c[0]![i], c[1]![i], c[2]![i], c[3]![i], c[4]![i], c[5]![i], c[6]![i], c[7]![i], c[8]![i], c[9]![i], c[10]![i], p);
}

function spanOf(
  traceId: DuckDBValue,
  spanId: DuckDBValue,
  parentId: DuckDBValue,
  startNs: DuckDBValue,
  durationNs: DuckDBValue,
  name: DuckDBValue,
  kind: DuckDBValue,
  status: DuckDBValue,
  resId: DuckDBValue,
  scopeId: DuckDBValue,
  body: DuckDBValue,
  p: Partition,
): Span {
  const start = startNs as UnixNanos;
  const { attributes, events, rest } = decodeBody(body as string, start);
  const resource = p.resources.get(Number(resId));
  const scope = p.scopes.get(Number(scopeId));
  if (!resource || !scope) throw new Error(`partition ${p.file} is corrupt: span refers to a missing resource or scope`);
  return {
    traceId: hex32(traceId as bigint) as TraceId,
    spanId: hex16(spanId as bigint) as SpanId,
    parentSpanId: parentId === null ? null : (hex16(parentId as bigint) as SpanId),
    traceState: rest.traceState,
    flags: rest.flags,
    name: name as string,
    kind: Number(kind) as SpanKind,
    startTimeUnixNano: start,
    endTimeUnixNano: BigInt.asUintN(64, start + (durationNs as bigint)) as UnixNanos,
    attributes,
    droppedAttributesCount: rest.droppedAttributesCount,
    events,
    droppedEventsCount: rest.droppedEventsCount,
    links: rest.links,
    droppedLinksCount: rest.droppedLinksCount,
    status: { code: statusCode(Number(status)), message: rest.statusMessage },
    resource: resource.resource,
    scope,
  };
}

/**
 * Outlines from the columns of `SELECT part, OUTLINE_COLUMNS but name, name_rank, first_name` (see getTraceOutline): each
 * name string arrives once, on the first row carrying it, and the other rows find it by rank.
 */
export function readOutlines(traceId: TraceId, c: readonly DuckDBValue[][], parts: readonly Partition[]): SpanOutline[] {
  // No row (a bloom's false positive, or another tenant's trace of the same id): DuckDB may then send no columns.
  if (c.length === 0 || c[0]!.length === 0) return [];
  const [part, spanId, parentId, start, duration, kind, status, resId, events, nameRank, firstName] = c as unknown as [
    number[], bigint[], Array<bigint | null>, bigint[], bigint[], number[], number[], number[], Array<string | null>, bigint[], Array<string | null>,
  ];
  const names: string[] = [];
  firstName.forEach((n, i) => {
    if (n !== null) names[Number(nameRank[i]) - 1] = n;
  });
  const out = new Array<SpanOutline>(spanId.length);
  for (let i = 0; i < spanId.length; i++) {
    const s = start[i] as UnixNanos;
    const resource = parts[Number(part[i])]!.resources.get(Number(resId[i]));
    if (!resource) throw new Error(`partition ${parts[Number(part[i])]!.file} is corrupt: span refers to a missing resource`);
    out[i] = {
      traceId,
      spanId: hex16(spanId[i]!) as SpanId,
      parentSpanId: parentId[i] === null ? null : (hex16(parentId[i]!) as SpanId),
      startTimeUnixNano: s,
      endTimeUnixNano: BigInt.asUintN(64, s + duration[i]!) as UnixNanos,
      name: names[Number(nameRank[i]) - 1]!,
      serviceName: resource.service,
      kind: Number(kind[i]) as SpanKind,
      statusCode: statusCode(Number(status[i])),
      events: decodeEventMarks(events[i]!, s),
    };
  }
  return out;
}
