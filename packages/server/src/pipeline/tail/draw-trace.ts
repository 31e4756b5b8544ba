import type { Resource, Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { int, SPAN_KIND_NAMES, SpanKind, StatusCode, str } from '@clew/model';
import { makeResource, makeSpan, makeSpanId, makeTraceId } from '@clew/model/testing';

/** 2023-11-14T22:13:20Z, where drawn traces start. */
export const DRAWN_T0 = 1_700_000_000_000_000_000n as UnixNanos;

export interface DrawOptions {
  readonly traceId?: TraceId;
  /** What one column is worth, in milliseconds (default 10). */
  readonly unitMs?: number;
  /** When the leftmost column is (default DRAWN_T0). */
  readonly start?: UnixNanos;
}

const KINDS = new Map(Object.entries(SPAN_KIND_NAMES).map(([k, v]) => [v, Number(k) as SpanKind]));

/**
 * Model spans of one trace from an ASCII timeline, so that a test's data is the picture of its case (as
 * `@clew/analysis`'s drawTrace does for timed spans). One span a line: `id parent service [name…] |----| [marks]`,
 * where `.` as parent means a root and `?` a parent that is not there (an orphan: its root has not arrived), the name defaults to the id, the first `|` is the start and the last the end
 * (one column = `unitMs`). Marks after the bar: `!` an error status, `kind=client` a span kind (roots default to
 * server, others to internal), `key=value` a span attribute (an int when it reads as one), `resource.key=value` a
 * resource attribute of that line's own resource.
 * @example drawTrace(`
 *   A .  frontend GET /      |----------|
 *   B A  payment  charge       |----|     !  http.response.status_code=503
 * `) // GET / 0–100 ms, charge 20–60 ms, failed
 */
export function drawTrace(picture: string, opts: DrawOptions = {}): Span[] {
  const lines = picture.split('\n').filter((l) => l.includes('|'));
  const origin = Math.min(...lines.map((l) => l.indexOf('|')));
  const unit = BigInt(Math.round((opts.unitMs ?? 10) * 1e6));
  const t0 = opts.start ?? DRAWN_T0;
  const traceId = opts.traceId ?? makeTraceId();
  const parsed = lines.map((line) => {
    const first = line.indexOf('|');
    const last = line.lastIndexOf('|');
    const [id, parent = '.', service = 'svc', ...name] = line.slice(0, first).trim().split(/\s+/);
    return { id: id!, parent, service, name: name.length > 0 ? name.join(' ') : id!, from: first - origin, to: last - origin, marks: line.slice(last + 1).trim().split(/\s+/).filter(Boolean) };
  });
  const ids = new Map<string, SpanId>(parsed.map((p) => [p.id, makeSpanId()]));
  const resources = new Map<string, Resource>();
  return parsed.map((p) => {
    const attributes = [];
    const resourceAttributes = [];
    let kind: SpanKind = p.parent === '.' ? SpanKind.SERVER : SpanKind.INTERNAL;
    for (const mark of p.marks) {
      if (mark === '!') continue;
      const eq = mark.indexOf('=');
      if (eq < 1) throw new Error(`drawTrace: cannot read mark ${JSON.stringify(mark)} of span ${p.id}`);
      const key = mark.slice(0, eq);
      const text = mark.slice(eq + 1);
      if (key === 'kind') {
        const k = KINDS.get(text);
        if (k === undefined) throw new Error(`drawTrace: unknown kind ${text}`);
        kind = k;
      } else if (key.startsWith('resource.')) resourceAttributes.push({ key: key.slice('resource.'.length), value: str(text) });
      else attributes.push({ key, value: /^-?\d+$/.test(text) ? int(BigInt(text)) : str(text) });
    }
    let resource = resources.get(p.service);
    if (resourceAttributes.length > 0) resource = makeResource(p.service, resourceAttributes);
    else if (resource === undefined) resources.set(p.service, (resource = makeResource(p.service)));
    const parentSpanId = p.parent === '.' ? null : p.parent === '?' ? makeSpanId() : ids.get(p.parent);
    if (parentSpanId === undefined) throw new Error(`drawTrace: span ${p.id}'s parent ${p.parent} is not drawn (. for a root, ? for a parent not drawn)`);
    return makeSpan({
      traceId,
      spanId: ids.get(p.id)!,
      parentSpanId,
      name: p.name,
      kind,
      startTimeUnixNano: (t0 + BigInt(p.from) * unit) as UnixNanos,
      endTimeUnixNano: (t0 + BigInt(p.to) * unit) as UnixNanos,
      attributes,
      status: p.marks.includes('!') ? { code: StatusCode.ERROR, message: 'failed' } : { code: StatusCode.UNSET, message: '' },
      resource,
    });
  });
}
