import type { TraceId, UnixNanos } from '@clew/model';
import type { DuckDBValue } from '@duckdb/node-api';
import type { ServiceSpanCount, TraceDigest } from '../store.js';
import type { Partition } from './partition.js';
import { hex32 } from './sql.js';
import { ROOT_KINDS } from '../trace-digest.js';

/** Trace digests from the per-(trace, partition, resource) rows of digestSql. */
export function mergeDigests(rows: readonly DuckDBValue[][], parts: readonly Partition[]): Map<TraceId, TraceDigest> {
  interface Acc {
    start: bigint;
    end: bigint;
    spans: number;
    errors: number;
    orphans: number;
    root: { rank: number; start: bigint; spanId: bigint; service: string; name: string };
    services: Map<string, { spanCount: number; errorCount: number }>;
  }
  const byTrace = new Map<bigint, Acc>();
  for (const r of rows) {
    const [traceId, part, resId, n, errors, orphans, firstStart, lastEnd, rootRank, rootStart, rootSpan, rootName] = r as [
      bigint, number, number, bigint, bigint, bigint, bigint, bigint, number, bigint, bigint, string,
    ];
    const service = parts[Number(part)]!.resources.get(Number(resId))?.service ?? '';
    const root = { rank: Number(rootRank), start: rootStart, spanId: rootSpan, service, name: rootName };
    let acc = byTrace.get(traceId);
    if (acc === undefined) {
      acc = { start: firstStart, end: BigInt(lastEnd), spans: 0, errors: 0, orphans: 0, root, services: new Map() };
      byTrace.set(traceId, acc);
    }
    if (firstStart < acc.start) acc.start = firstStart;
    if (BigInt(lastEnd) > acc.end) acc.end = BigInt(lastEnd);
    acc.spans += Number(n);
    acc.errors += Number(errors);
    acc.orphans += Number(orphans);
    const best = acc.root;
    if (root.rank < best.rank || (root.rank === best.rank && (root.start < best.start || (root.start === best.start && root.spanId < best.spanId)))) {
      acc.root = root;
    }
    const c = acc.services.get(service);
    if (c === undefined) acc.services.set(service, { spanCount: Number(n), errorCount: Number(errors) });
    else {
      c.spanCount += Number(n);
      c.errorCount += Number(errors);
    }
  }
  const out = new Map<TraceId, TraceDigest>();
  for (const [id, acc] of byTrace) {
    const traceId = hex32(id) as TraceId;
    const services: ServiceSpanCount[] = [...acc.services]
      .map(([name, c]) => ({ name, ...c }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    out.set(traceId, {
      traceId,
      root: { service: acc.root.service, name: acc.root.name, kind: ROOT_KINDS[acc.root.rank]! },
      startTimeUnixNano: acc.start as UnixNanos,
      endTimeUnixNano: acc.end as UnixNanos,
      spanCount: acc.spans,
      errorCount: acc.errors,
      orphanCount: acc.orphans,
      services,
    });
  }
  return out;
}
