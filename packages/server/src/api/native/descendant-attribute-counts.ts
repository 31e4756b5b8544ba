import type { Span, TraceId } from '@clew/model';
import { anyValueToString, serviceName, spanDuration, StatusCode } from '@clew/model';
import type { AttributeCounts, SpanFilter, SpanReader, SpanSelection, TraceQuery } from '@clew/storage';
import { AttributeValueCounts, byScopeAndKey, KIND_NAMES, sampleMarginPercent, STATUS_NAMES } from '@clew/storage';

/** Traces read per side at most: each is read whole, so a side costs about this many traces' spans. */
export const DESCENDANT_TRACES_PER_SIDE = 500;

/** The counts, and which values (`scope\0key\0value`) were on a counted span itself rather than only below it. */
export interface DescendantCounts extends AttributeCounts {
  readonly own: ReadonlySet<string>;
}

/**
 * Attribute value counts of the selection and the baseline as SpanReader.attributeCounts takes them, except that each
 * counted span carries the attributes of its descendants too (every span below it in its trace): comparing the slow
 * `GET /search` server spans with the fast ones then ranks the slow database query they made, which is an attribute
 * of a child span. A value counts once per counted span, however many spans below it carry it.
 *
 * Side totals are the store's (exact); the spans counted are those of a uniform sample of each side's traces (about
 * `tracesPerSide`, by Store.tracePoints' hash of the trace id), each read whole, every matching span of the side in
 * them counted. The margins assume spans drawn one by one, which holds while a trace has one span of the side (as
 * when the filter names an operation).
 */
export async function descendantAttributeCounts(
  store: SpanReader,
  filter: SpanFilter,
  selection: SpanSelection,
  topValues: number,
  tracesPerSide = DESCENDANT_TRACES_PER_SIDE,
): Promise<DescendantCounts> {
  // The totals (a single span's attributes read) and the selection's traces at once; the baseline's draw depends on
  // the totals: its traces are drawn from every matching trace, some of which hold selected spans only, so more are
  // drawn in proportion, and every one with a baseline span is counted (a uniform sample of those).
  const [totals, selected] = await Promise.all([
    store.attributeCounts({ filter, selection, topValues: 1, maxSpans: 1 }),
    store.tracePoints(selectionQuery(filter, selection), tracesPerSide),
  ]);
  const all = totals.selection.spans + totals.baseline.spans;
  const restDraw = Math.min(4 * tracesPerSide, Math.ceil((tracesPerSide * all) / Math.max(1, totals.baseline.spans)));
  const rest = await store.tracePoints({ ...filter, limit: 1 }, restDraw);
  const ids = [...new Set([...selected.points, ...rest.points].map((p) => p.traceId))];
  const traces = ids.length === 0 ? new Map<TraceId, Span[]>() : await store.getTraces(ids);

  const values = new ValueIds();
  const sides = { selection: [] as number[], baseline: [] as number[] };
  const ownIds = new Set<number>();
  const counted = { selection: 0, baseline: 0 };
  // Per counted span, the values of it and every span below it, each once: a mark per value id, set to the span's
  // number, makes the union without a set per span.
  const mark: number[] = [];
  let marker = 0;
  const count = (traceIds: Iterable<TraceId>, side: 'selection' | 'baseline') => {
    const tally = sides[side];
    for (const id of traceIds) {
      const spans = traces.get(id) ?? [];
      let children: Map<string, Span[]> | undefined;
      for (const s of spans) {
        if (!matches(s, filter) || isSelected(s, selection) !== (side === 'selection')) continue;
        counted[side]++;
        marker++;
        const add = (span: Span, own: boolean) => {
          for (const v of values.of(span)) {
            if (own) ownIds.add(v);
            if (mark[v] === marker) continue;
            mark[v] = marker;
            tally[v] = (tally[v] ?? 0) + 1;
          }
        };
        add(s, true);
        children ??= childrenOf(spans);
        // A parent loop in bad data is walked once.
        const seen = new Set<string>([s.spanId]);
        const below = [...(children.get(s.spanId) ?? [])];
        while (below.length > 0) {
          const d = below.pop()!;
          if (seen.has(d.spanId)) continue;
          seen.add(d.spanId);
          add(d, false);
          for (const c of children.get(d.spanId) ?? []) below.push(c);
        }
      }
    }
  };
  count(new Set(selected.points.map((p) => p.traceId)), 'selection');
  count(new Set(rest.points.map((p) => p.traceId)), 'baseline');
  const keys = new AttributeValueCounts();
  for (const side of ['selection', 'baseline'] as const) {
    sides[side].forEach((n, v) => {
      const [scope, key, value] = values.value(v);
      keys.add(scope, key, value, side, n);
    });
  }
  const own = new Set([...ownIds].map((v) => values.value(v).join('\0')));
  const side = (spans: number, n: number) => ({ spans, counted: n, marginPercent: sampleMarginPercent(n, spans) });
  return {
    selection: side(totals.selection.spans, counted.selection),
    baseline: side(totals.baseline.spans, counted.baseline),
    sampled: counted.selection < totals.selection.spans || counted.baseline < totals.baseline.spans,
    keys: keys.top(Math.max(1, topValues)).sort(byScopeAndKey),
    own,
  };
}

/** The search for traces with a selected span: the filter's conditions and the selection's, both. */
function selectionQuery(filter: SpanFilter, sel: SpanSelection): TraceQuery {
  const max = (a: bigint | undefined, b: bigint | undefined) => (a === undefined ? b : b === undefined ? a : a > b ? a : b);
  const min = (a: bigint | undefined, b: bigint | undefined) => (a === undefined ? b : b === undefined ? a : a < b ? a : b);
  const minDuration = max(filter.minDuration, sel.minDuration);
  const maxDuration = min(filter.maxDuration, sel.maxDuration);
  return {
    ...filter,
    ...(minDuration !== undefined && { minDuration }),
    ...(maxDuration !== undefined && { maxDuration }),
    start: max(filter.start, sel.start) as TraceQuery['start'],
    end: min(filter.end, sel.end) as TraceQuery['end'],
    ...(sel.errors === true && { attributes: [...(filter.attributes ?? []), ['error', 'true']] }),
    limit: 1,
  };
}

/** Whether a span meets the filter as the store's span filter reads it (SpanFilter, TraceQuery). */
function matches(s: Span, f: SpanFilter): boolean {
  const d = spanDuration(s);
  return (
    s.startTimeUnixNano >= f.start &&
    s.startTimeUnixNano <= f.end &&
    (f.service === undefined || serviceName(s.resource) === f.service) &&
    (f.operation === undefined || s.name === f.operation) &&
    (f.spanKind === undefined || s.kind === f.spanKind) &&
    (f.minDuration === undefined || d >= f.minDuration) &&
    (f.maxDuration === undefined || d <= f.maxDuration) &&
    (f.attributes ?? []).every(([key, value]) => hasAttribute(s, key, value))
  );
}

function hasAttribute(s: Span, key: string, value: string): boolean {
  if (key === 'error' && value === 'true') return s.status.code === StatusCode.ERROR;
  const is = (kv: { key: string; value: Parameters<typeof anyValueToString>[0] }) => kv.key === key && anyValueToString(kv.value) === value;
  return s.attributes.some(is) || s.resource.attributes.some(is) || s.events.some((e) => e.attributes.some(is));
}

/** Whether a span meets every condition of the selection (an empty selection picks nothing). */
function isSelected(s: Span, sel: SpanSelection): boolean {
  const { minDuration: min, maxDuration: max, start, end } = sel;
  if (min === undefined && max === undefined && start === undefined && end === undefined && sel.errors !== true) return false;
  const d = spanDuration(s);
  return (
    (min === undefined || d >= min) &&
    (max === undefined || d <= max) &&
    (start === undefined || s.startTimeUnixNano >= start) &&
    (end === undefined || s.startTimeUnixNano <= end) &&
    (sel.errors !== true || s.status.code === StatusCode.ERROR)
  );
}

function childrenOf(spans: readonly Span[]): Map<string, Span[]> {
  const out = new Map<string, Span[]>();
  for (const s of spans) {
    if (s.parentSpanId === null) continue;
    let list = out.get(s.parentSpanId);
    if (!list) out.set(s.parentSpanId, (list = []));
    list.push(s);
  }
  return out;
}

type Scope = 'intrinsic' | 'resource' | 'span' | 'event';

/**
 * The values of spans as the comparison counts them (its name, kind and status, its resource's attributes, its own
 * and its events'), as small numbers: each (scope, key, value) once, a resource's values once per resource.
 */
class ValueIds {
  private readonly ids = new Map<string, number>();
  private readonly values: Array<[Scope, string, string]> = [];
  private readonly resources = new WeakMap<object, number[]>();
  private readonly spans = new WeakMap<Span, number[]>();

  of(s: Span): number[] {
    let out = this.spans.get(s);
    if (out) return out;
    out = [this.id('intrinsic', 'name', s.name), this.id('intrinsic', 'kind', KIND_NAMES[s.kind] ?? String(s.kind))];
    out.push(this.id('intrinsic', 'status', STATUS_NAMES[s.status.code] ?? String(s.status.code)));
    let res = this.resources.get(s.resource);
    if (!res) this.resources.set(s.resource, (res = s.resource.attributes.map((kv) => this.id('resource', kv.key, anyValueToString(kv.value)))));
    for (const v of res) out.push(v);
    for (const kv of s.attributes) out.push(this.id('span', kv.key, anyValueToString(kv.value)));
    for (const e of s.events) for (const kv of e.attributes) out.push(this.id('event', kv.key, anyValueToString(kv.value)));
    this.spans.set(s, out);
    return out;
  }

  value(id: number): [Scope, string, string] {
    return this.values[id]!;
  }

  private id(scope: Scope, key: string, value: string): number {
    const text = `${scope}\0${key}\0${value}`;
    let id = this.ids.get(text);
    if (id === undefined) {
      this.ids.set(text, (id = this.values.length));
      this.values.push([scope, key, value]);
    }
    return id;
  }
}
