import { parseTraceId } from '@clew/model';
import { z } from 'zod';
import { API_BASE } from './routes.js';

/** `GET /api/clew/v1/compare?a=<traceId>&b=<traceId>`: two traces aligned (TraceComparison). */
export const COMPARE_ROUTE = `${API_BASE}/compare`;

/** The compare route for two trace ids. */
export const comparePath = (a: string, b: string): string => `${COMPARE_ROUTE}?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`;

const traceIdParam = (name: string) =>
  z.string({ message: `${name} is required: a trace id` }).transform((s, ctx) => {
    const id = parseTraceId(s);
    if (id === null) {
      ctx.addIssue({ code: 'custom', message: `expected a non-zero trace id of up to 32 hex digits, got '${s}'` });
      return z.NEVER;
    }
    return id;
  });

/** The compare route's query: `a` is the base trace, `b` the one compared with it. */
export const CompareQuerySchema = z.object({ a: traceIdParam('a'), b: traceIdParam('b') });
export type CompareQueryInput = z.input<typeof CompareQuerySchema>;

const count = z.number().int().nonnegative();
const nanos = z.number();

/** One trace's share of an aligned node; times in ns. */
export const ComparisonSideSchema = z.object({
  count,
  selfNanos: nanos,
  totalNanos: nanos,
  /** Time its spans spent on the trace's critical path. */
  criticalNanos: nanos,
});
export type ComparisonSide = z.infer<typeof ComparisonSideSchema>;

/** A node of the aligned tree: the spans of both traces reached by the same service + operation path. */
export const ComparisonNodeSchema = z.object({
  /** Position in `nodes` (depth first). */
  id: count,
  /** The parent node's id, -1 at the root level. */
  parent: z.number().int(),
  depth: count,
  service: z.string(),
  name: z.string(),
  /** Spans without children; kept apart from inner spans of the same name, as Jaeger's TraceDiff keeps them. */
  leaf: z.boolean(),
  presence: z.enum(['both', 'onlyA', 'onlyB']),
  a: ComparisonSideSchema,
  b: ComparisonSideSchema,
});
export type ComparisonNode = z.infer<typeof ComparisonNodeSchema>;

/** One trace's figures. */
export const ComparedTraceSchema = z.object({
  traceId: z.string(),
  /** The earliest span start, epoch ns as a decimal string. */
  startTimeUnixNano: z.string(),
  /** Earliest start to latest end, ns. */
  durationNanos: nanos,
  spanCount: count,
  errorCount: count,
  rootService: z.string(),
  rootName: z.string(),
});
export type ComparedTrace = z.infer<typeof ComparedTraceSchema>;

/** A stretch of a critical path, ns from the trace's start, with the span and the aligned node it belongs to. */
export const CriticalSectionSchema = z.object({
  node: count,
  spanId: z.string(),
  service: z.string(),
  name: z.string(),
  startNanos: nanos,
  endNanos: nanos,
});
export type CriticalSection = z.infer<typeof CriticalSectionSchema>;

export const TraceComparisonSchema = z.object({
  a: ComparedTraceSchema,
  b: ComparedTraceSchema,
  /** The aligned tree, depth first. */
  nodes: z.array(ComparisonNodeSchema),
  totals: z.object({
    nodes: count,
    onlyA: count,
    onlyB: count,
    /** Nodes found in both whose span count differs. */
    countChanged: count,
  }),
  /** Each trace's critical path, in time order. */
  criticalPaths: z.object({ a: z.array(CriticalSectionSchema), b: z.array(CriticalSectionSchema) }),
});
export type TraceComparison = z.infer<typeof TraceComparisonSchema>;
