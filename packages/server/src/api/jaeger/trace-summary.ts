import type { TraceDigest } from '@clew/storage';

/** api_v3's ServiceSummary as jsonpb writes it: zero counts left out. */
export interface V3ServiceSummary {
  name: string;
  spanCount?: number;
  errorSpanCount?: number;
}

/** api_v3's TraceSummary (query_service.proto) as jsonpb writes it: fields in proto order, zero values left out. */
export interface V3TraceSummary {
  traceId: string;
  rootServiceName?: string;
  rootOperationName?: string;
  /** fixed64: a decimal string. */
  minStartTimeUnixNano?: string;
  maxEndTimeUnixNano?: string;
  spanCount?: number;
  errorSpanCount?: number;
  orphanSpanCount?: number;
  services?: V3ServiceSummary[];
}

/**
 * A digest as Jaeger's `summarizeTrace` (querysvc/summary.go) reports it: the root is the earliest span without a
 * parent or nothing (Jaeger does not fall back to an orphan, as Clew's own rows do), services by name.
 */
export function toV3TraceSummary(d: TraceDigest): V3TraceSummary {
  const root = d.root.kind === 'root' ? d.root : { service: '', name: '' };
  const start = BigInt(d.startTimeUnixNano);
  const end = BigInt(d.endTimeUnixNano);
  const services = d.services.map((s) => omitZero({ name: s.name, spanCount: s.spanCount, errorSpanCount: s.errorCount }));
  return omitZero({
    traceId: d.traceId,
    rootServiceName: root.service,
    rootOperationName: root.name,
    minStartTimeUnixNano: start > 0n ? start.toString() : '',
    maxEndTimeUnixNano: end > 0n ? end.toString() : '',
    spanCount: d.spanCount,
    errorSpanCount: d.errorCount,
    orphanSpanCount: d.orphanCount,
    services: services.length > 0 ? services : undefined,
  }) as V3TraceSummary;
}

/** Leaves out what proto3 JSON leaves out: '', 0 and absent fields (the order of the rest is kept). */
function omitZero<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v !== 0 && v !== undefined)) as T;
}
