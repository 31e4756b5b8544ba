import type { Scope, Span, TraceId } from '@clew/model';
import { SpanKind, StatusCode } from '@clew/model';
import { adjustTrace } from './adjust.js';
import type { JaegerKeyValue, JaegerLog, JaegerProcess, JaegerReference, JaegerSpan, JaegerTrace } from './jaeger-json-types.js';
import { stringTag, toJaegerTag } from './tags.js';
import { jaegerTraceIdString } from './trace-id.js';
import type { WorkingResource, WorkingSpan } from './working-trace.js';

/** The service name the OpenTelemetry Jaeger translator gives a resource with no attributes at all. */
export const NO_SERVICE_NAME = 'OTLPResourceNoServiceName';

const KIND_TAG: Partial<Record<SpanKind, string>> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

/**
 * One trace as Jaeger's v1 HTTP API answers it: the query service's adjusters (unless `raw`), then the OpenTelemetry
 * Jaeger translator (ProtoFromTraces), then Jaeger's UI converter (FromDomain) with processes deduplicated as p1, p2…
 * @example toJaegerTrace(await store.getTrace(id)).spans[0].processID === 'p1'
 */
export function toJaegerTrace(spans: readonly Span[], raw = false): JaegerTrace {
  const trace = adjustTrace(spans, raw);
  const processes = new ProcessTable();
  const out: JaegerSpan[] = [];
  for (const r of trace) {
    const process = toProcess(r);
    for (const sc of r.scopes) {
      for (const s of sc.spans) out.push(toJaegerSpan(s, sc.scope, processes.keyOf(process)));
    }
  }
  return { traceID: out[0]?.traceID ?? '', spans: out, processes: processes.mapping(), warnings: null };
}

function toProcess(r: WorkingResource): JaegerProcess {
  if (r.attributes.length === 0) return { serviceName: NO_SERVICE_NAME, tags: [] };
  const name = r.attributes.find((kv) => kv.key === 'service.name');
  return {
    serviceName: name?.value.type === 'string' ? name.value.value : '',
    tags: r.attributes.filter((kv) => kv.key !== 'service.name').map(toJaegerTag),
  };
}

function toJaegerSpan(s: WorkingSpan, scope: Scope, processID: string): JaegerSpan {
  return {
    traceID: jaegerTraceIdString(s.traceId),
    spanID: s.spanId,
    operationName: s.name,
    references: toReferences(s),
    startTime: Number(s.startTimeUnixNano / 1000n),
    duration: s.endTimeUnixNano > s.startTimeUnixNano ? Number((s.endTimeUnixNano - s.startTimeUnixNano) / 1000n) : 0,
    tags: spanTags(s, scope),
    logs: s.events.map(toLog),
    processID,
    warnings: s.warnings.length > 0 ? s.warnings : null,
  };
}

/** The parent first as CHILD_OF; links as FOLLOWS_FROM unless their `opentracing.ref_type` says child_of. */
function toReferences(s: WorkingSpan): JaegerReference[] {
  const refs: { refType: JaegerReference['refType']; traceID: string; spanID: string }[] = [];
  const parent = s.parentSpanId !== null && !/^0+$/.test(s.parentSpanId) ? s.parentSpanId : null;
  if (parent !== null) refs.push({ refType: 'CHILD_OF', traceID: jaegerTraceIdString(s.traceId), spanID: parent });
  for (const link of s.links) {
    const refTypeAttr = link.attributes.find((kv) => kv.key === 'opentracing.ref_type');
    const refType = refTypeAttr?.value.type === 'string' && refTypeAttr.value.value === 'child_of' ? 'CHILD_OF' : 'FOLLOWS_FROM';
    if (parent !== null && link.traceId === s.traceId && link.spanId === parent) {
      refs[0]!.refType = refType; // the link restates the parent, perhaps with a truer type
      continue;
    }
    refs.push({ refType, traceID: jaegerTraceIdString(link.traceId as TraceId), spanID: link.spanId });
  }
  return refs;
}

/** Tags in the translator's order: scope, attributes, span.kind, status code, error, status message, trace state. */
function spanTags(s: WorkingSpan, scope: Scope): JaegerKeyValue[] {
  const tags: JaegerKeyValue[] = [];
  if (scope.name !== '') tags.push(stringTag('otel.scope.name', scope.name));
  if (scope.version !== '') tags.push(stringTag('otel.scope.version', scope.version));
  for (const kv of s.attributes) tags.push(toJaegerTag(kv));
  const kind = KIND_TAG[s.kind];
  if (kind !== undefined) tags.push(stringTag('span.kind', kind));
  if (s.status.code === StatusCode.ERROR) tags.push(stringTag('otel.status_code', 'ERROR'));
  if (s.status.code === StatusCode.OK) tags.push(stringTag('otel.status_code', 'OK'));
  if (s.status.code === StatusCode.ERROR) tags.push({ key: 'error', type: 'bool', value: true });
  if (s.status.message !== '') tags.push(stringTag('otel.status_description', s.status.message));
  if (s.traceState !== '') tags.push(stringTag('w3c.tracestate', s.traceState));
  return tags;
}

/** An event as a log: its name as the `event` field unless an attribute already says it, then its attributes. */
function toLog(e: WorkingSpan['events'][number]): JaegerLog {
  const fields: JaegerKeyValue[] = [];
  if (e.name !== '' && !e.attributes.some((kv) => kv.key === 'event')) fields.push(stringTag('event', e.name));
  for (const kv of e.attributes) fields.push(toJaegerTag(kv));
  return { timestamp: Number(e.timeUnixNano / 1000n), fields };
}

/** Jaeger's processHashtable: equal processes share one key, keys are p1, p2… in order of first use. */
class ProcessTable {
  private readonly keys = new Map<string, string>();
  private readonly processes: [string, JaegerProcess][] = [];

  keyOf(p: JaegerProcess): string {
    const content = JSON.stringify(p);
    let key = this.keys.get(content);
    if (key === undefined) {
      key = `p${this.processes.length + 1}`;
      this.keys.set(content, key);
      this.processes.push([key, p]);
    }
    return key;
  }

  /** Keys in Go's map order when marshalled: sorted as strings (p1, p10, p2…). */
  mapping(): Record<string, JaegerProcess> {
    const sorted = [...this.processes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(sorted);
  }
}
