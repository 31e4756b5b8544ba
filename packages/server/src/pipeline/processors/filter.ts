import type { Span, TraceId } from '@clew/model';
import { anyValueToString, serviceName, SPAN_KIND_NAMES } from '@clew/model';
import type { Processor, ProcessorOutput } from './processor.js';
import { unchanged } from './processor.js';

/**
 * A span matches a rule when it meets every condition the rule gives. Names and attribute values are compared whole,
 * as text (numbers as they print); with `regex: true` each is an anchored regular expression instead.
 */
export interface SpanRule {
  readonly service?: string;
  readonly name?: string;
  readonly kind?: string;
  /** Span or resource attributes. */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly regex?: boolean;
}

export interface FilterOptions {
  readonly name?: string;
  /** What a matching span takes with it: itself (`spans`) or its whole trace (`traces`). */
  readonly drop: 'spans' | 'traces';
  /** A span matching any rule is dropped. */
  readonly rules: readonly SpanRule[];
  /** With `drop: traces`, how many dropped trace ids are remembered so that their later spans go too. */
  readonly traceMemory?: number;
}

const DEFAULT_TRACE_MEMORY = 100_000;

/** A predicate for a rule, compiled once. */
export function compileRule(rule: SpanRule): (span: Span) => boolean {
  const text = (want: string): ((s: string) => boolean) => {
    if (!rule.regex) return (s) => s === want;
    const re = new RegExp(`^(?:${want})$`);
    return (s) => re.test(s);
  };
  const checks: Array<(span: Span) => boolean> = [];
  if (rule.service !== undefined) {
    const m = text(rule.service);
    checks.push((s) => m(serviceName(s.resource)));
  }
  if (rule.name !== undefined) {
    const m = text(rule.name);
    checks.push((s) => m(s.name));
  }
  if (rule.kind !== undefined) {
    const kind = rule.kind;
    checks.push((s) => SPAN_KIND_NAMES[s.kind] === kind);
  }
  for (const [key, want] of Object.entries(rule.attributes ?? {})) {
    const m = text(want);
    checks.push((s) => [...s.attributes, ...s.resource.attributes].some((kv) => kv.key === key && m(anyValueToString(kv.value))));
  }
  return (span) => checks.every((c) => c(span));
}

/**
 * Drops spans, or whole traces, by rule: health checks, readiness probes, noisy internal spans. A trace dropped
 * whole loses the spans of this batch and of later ones; spans of it already written stay.
 * @example filterProcessor({ drop: 'traces', rules: [{ name: 'GET /health' }, { attributes: { 'http.route': '/ready' } }] })
 */
export function filterProcessor(opts: FilterOptions): Processor {
  const rules = opts.rules.map(compileRule);
  const matches = (s: Span) => rules.some((r) => r(s));
  const droppedTraces = new Set<TraceId>();
  const memory = opts.traceMemory ?? DEFAULT_TRACE_MEMORY;
  const remember = (id: TraceId) => {
    if (droppedTraces.has(id)) return;
    if (droppedTraces.size >= memory) droppedTraces.delete(droppedTraces.values().next().value!);
    droppedTraces.add(id);
  };
  return {
    name: opts.name ?? 'filter',
    process(spans): ProcessorOutput {
      if (opts.drop === 'traces') for (const s of spans) if (matches(s)) remember(s.traceId);
      const kept = opts.drop === 'traces' ? spans.filter((s) => !droppedTraces.has(s.traceId)) : spans.filter((s) => !matches(s));
      return kept.length === spans.length ? unchanged(spans) : { spans: kept, dropped: spans.length - kept.length, dropReason: 'filtered', modified: 0 };
    },
  };
}
