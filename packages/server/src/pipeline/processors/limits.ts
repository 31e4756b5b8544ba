import type { AnyValue, Attributes, Span, TraceId } from '@clew/model';
import { mapAttributes, mapStrings } from './attribute-map.js';
import type { Processor, ProcessorOutput } from './processor.js';
import { mapSpans } from './processor.js';

export interface LimitsOptions {
  readonly name?: string;
  /** Most attributes a span (or one of its events or links) keeps; the rest are dropped and counted in its dropped count. */
  readonly maxAttributes?: number;
  /** Longest string value, in UTF-16 code units as OpenTelemetry's AttributeValueLengthLimit; longer ones are cut. */
  readonly maxAttributeValueLength?: number;
  readonly maxEvents?: number;
  readonly maxLinks?: number;
  /** Most spans one trace keeps; later ones are dropped. Counted over the last `traceMemory` traces seen. */
  readonly maxSpansPerTrace?: number;
  /** How many traces' span counts are remembered for maxSpansPerTrace (oldest forgotten first). */
  readonly traceMemory?: number;
}

const DEFAULT_TRACE_MEMORY = 100_000;

/**
 * Size limits, as the OpenTelemetry SDK's span limits apply them but enforced for every client: attribute count and
 * value length, events and links per span, and spans per trace. What is cut is counted in the span's dropped counts,
 * as OTLP records them; spans past a trace's limit are dropped.
 * @example limitsProcessor({ maxAttributes: 128, maxAttributeValueLength: 4096, maxSpansPerTrace: 10_000 })
 */
export function limitsProcessor(opts: LimitsOptions): Processor {
  const maxLen = opts.maxAttributeValueLength;
  const cut = maxLen === undefined ? undefined : (s: string) => (s.length > maxLen ? s.slice(0, maxLen) : s);
  const limitAttrs = (attrs: Attributes): { attrs: Attributes; dropped: number } => {
    const kept = opts.maxAttributes !== undefined && attrs.length > opts.maxAttributes ? attrs.slice(0, opts.maxAttributes) : attrs;
    const out =
      cut === undefined || !kept.some((kv) => tooLong(kv.value, maxLen!))
        ? kept
        : mapAttributes(kept, (kv) => {
            const value = mapStrings(kv.value, cut);
            return value === kv.value ? kv : { key: kv.key, value };
          });
    return { attrs: out, dropped: attrs.length - kept.length };
  };
  const perTrace = new Map<TraceId, number>();
  const memory = opts.traceMemory ?? DEFAULT_TRACE_MEMORY;
  const name = opts.name ?? 'limits';

  const limitSpan = (s: Span): Span => {
    const a = limitAttrs(s.attributes);
    let eventsChanged = false;
    const eventsKept = opts.maxEvents !== undefined && s.events.length > opts.maxEvents ? s.events.slice(0, opts.maxEvents) : s.events;
    const events = eventsKept.length === 0 ? eventsKept : eventsKept.map((e) => {
      const ea = limitAttrs(e.attributes);
      if (ea.attrs === e.attributes) return e;
      eventsChanged = true;
      return { ...e, attributes: ea.attrs, droppedAttributesCount: e.droppedAttributesCount + ea.dropped };
    });
    let linksChanged = false;
    const linksKept = opts.maxLinks !== undefined && s.links.length > opts.maxLinks ? s.links.slice(0, opts.maxLinks) : s.links;
    const links = linksKept.length === 0 ? linksKept : linksKept.map((l) => {
      const la = limitAttrs(l.attributes);
      if (la.attrs === l.attributes) return l;
      linksChanged = true;
      return { ...l, attributes: la.attrs, droppedAttributesCount: l.droppedAttributesCount + la.dropped };
    });
    const droppedEvents = s.events.length - eventsKept.length;
    const droppedLinks = s.links.length - linksKept.length;
    if (a.attrs === s.attributes && !eventsChanged && !linksChanged && droppedEvents === 0 && droppedLinks === 0) return s;
    return {
      ...s,
      attributes: a.attrs,
      droppedAttributesCount: s.droppedAttributesCount + a.dropped,
      events: eventsChanged || droppedEvents > 0 ? events : s.events,
      droppedEventsCount: s.droppedEventsCount + droppedEvents,
      links: linksChanged || droppedLinks > 0 ? links : s.links,
      droppedLinksCount: s.droppedLinksCount + droppedLinks,
    };
  };

  /** Whether the trace may take one more span; counts it when so. */
  const admit = (traceId: TraceId): boolean => {
    const n = perTrace.get(traceId) ?? 0;
    if (n >= opts.maxSpansPerTrace!) return false;
    if (n === 0) {
      if (perTrace.size >= memory) perTrace.delete(perTrace.keys().next().value!);
    } else {
      // Refreshed, so the traces still receiving spans are the last to be forgotten.
      perTrace.delete(traceId);
    }
    perTrace.set(traceId, n + 1);
    return true;
  };

  return {
    name,
    process(spans): ProcessorOutput {
      let input = spans;
      let dropped = 0;
      if (opts.maxSpansPerTrace !== undefined) {
        const kept = spans.filter((s) => admit(s.traceId));
        dropped = spans.length - kept.length;
        if (dropped > 0) input = kept;
      }
      const mapped = mapSpans(input, limitSpan);
      return { ...mapped, dropped, ...(dropped > 0 && { dropReason: 'trace_too_large' }) };
    },
  };
}

/** Whether a value holds a string longer than `max`, nested ones included (a scan that allocates nothing). */
function tooLong(v: AnyValue, max: number): boolean {
  switch (v.type) {
    case 'string':
      return v.value.length > max;
    case 'array':
      return v.value.some((item) => tooLong(item, max));
    case 'kvlist':
      return v.value.some((kv) => tooLong(kv.value, max));
    default:
      return false;
  }
}
