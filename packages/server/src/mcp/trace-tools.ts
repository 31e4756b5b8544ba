import type { ApiAnyValue, ApiKeyValue } from '@clew/api';
import { SpanParamsSchema, toApiTrace, TraceParamsSchema } from '@clew/api';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ClewError } from '../errors.js';
import { parseWith } from '../api/native/parse-params.js';
import { readCachedTrace } from '../api/native/read-cached-trace.js';
import type { CachedTrace } from '../api/native/trace-cache.js';
import { TRACE_CACHE_FRESH_MS } from '../api/native/trace-cache.js';
import { clip, isoOfNanos, MAX_ANSWER_CHARS, msOf } from './answer.js';
import { boundedOutline, OUTLINE_DEFAULT_SPANS, OUTLINE_MAX_SPANS } from './bounded-outline.js';
import { criticalPathAnswer, PATH_DEFAULT_SECTIONS, PATH_MAX_SECTIONS } from './critical-path-answer.js';
import type { McpDeps } from './mcp-deps.js';
import { readOnlyTool } from './register-tool.js';
import type { TimedOutline } from './timed-outline.js';
import { timedOutline } from './timed-outline.js';
import { DIFF_DEFAULT_NODES, DIFF_MAX_NODES, traceDiffAnswer } from './trace-diff-answer.js';

/** Events, links and array items a span's details list at most. */
const SPAN_EVENTS = 50;
const SPAN_LINKS = 20;
const ARRAY_ITEMS = 50;

const traceIdField = z.string().describe('Trace id: 32 hex digits, as search_traces gives it.');

/**
 * The trace tools: get_trace (a bounded outline), get_span (one span in full), critical_path and trace_diff, all
 * reading through the trace cache, so an assistant's follow-up calls on one trace read the store once.
 */
export function registerTraceTools(server: McpServer, deps: McpDeps): void {
  const timed = new WeakMap<CachedTrace, TimedOutline>();
  const outlineOf = async (traceIdText: string): Promise<{ trace: CachedTrace; outline: TimedOutline }> => {
    const { traceId } = parseWith(TraceParamsSchema, { traceId: traceIdText });
    const trace = await readCachedTrace(deps.store, deps.tenant, deps.cache, traceId, TRACE_CACHE_FRESH_MS);
    let outline = timed.get(trace);
    if (outline === undefined) timed.set(trace, (outline = timedOutline(trace.outlines)));
    return { trace, outline };
  };

  readOnlyTool(
    server,
    'get_trace',
    'One trace as an outline: span count, services, errors, root, duration, and the tree of its spans, one line each ' +
      `(span id, service, operation, kind, start and duration in ms, ERROR). At most maxSpans lines (default ${OUTLINE_DEFAULT_SPANS}, ` +
      `at most ${OUTLINE_MAX_SPANS}): the top of the tree and the error spans first; what is cut is counted on the line above it ` +
      `as [+N below], and under=<spanId> lists that part. Attributes and events: get_span. Answer at most ${MAX_ANSWER_CHARS} characters.`,
    {
      traceId: traceIdField,
      maxSpans: z.number().int().min(1).max(OUTLINE_MAX_SPANS).optional().describe(`Lines to list (default ${OUTLINE_DEFAULT_SPANS}).`),
      under: z.string().optional().describe('List only the subtree under this span id (to open a part an earlier answer cut).'),
    },
    async ({ traceId, maxSpans, under }) => {
      const { trace, outline } = await outlineOf(traceId);
      let at: number | undefined;
      if (under !== undefined) {
        at = trace.indexOf(parseWith(SpanParamsSchema, { traceId, spanId: under }).spanId);
        if (at < 0) throw new ClewError('SPAN_NOT_FOUND', `span ${under} is not in trace ${traceId}`);
      }
      return boundedOutline(outline, { maxSpans: maxSpans ?? OUTLINE_DEFAULT_SPANS, ...(at !== undefined && { under: at }) });
    },
  );

  readOnlyTool(
    server,
    'get_span',
    'One span in full: its attributes, resource (service) attributes, status, events and links, times in ms. ' +
      `Long values are cut at 2,000 characters, events at ${SPAN_EVENTS}, links at ${SPAN_LINKS}; answer at most ${MAX_ANSWER_CHARS} characters.`,
    { traceId: traceIdField, spanId: z.string().describe('Span id: 16 hex digits, as get_trace lists it.') },
    async (args) => {
      const { traceId, spanId } = parseWith(SpanParamsSchema, args);
      const { trace } = await outlineOf(traceId);
      const span = (await trace.full()).byId(spanId);
      if (!span) throw new ClewError('SPAN_NOT_FOUND', `span ${spanId} is not in trace ${traceId}`);
      const api = toApiTrace([span]);
      const s = api.spans[0]!;
      const start = BigInt(s.startTimeUnixNano);
      const resource = api.resources[s.resource]!;
      const scope = api.scopes[s.scope]!;
      return {
        traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId,
        service: resource.serviceName,
        name: s.name,
        kind: s.kind,
        start: isoOfNanos(start),
        durationMs: msOf(BigInt(s.endTimeUnixNano) - start),
        status: s.status,
        attributes: plainAttributes(s.attributes),
        resource: plainAttributes(resource.attributes),
        scope: { name: scope.name, version: scope.version },
        events: s.events.slice(0, SPAN_EVENTS).map((e) => ({ atMs: msOf(BigInt(e.timeUnixNano) - start), name: clip(e.name, 200), attributes: plainAttributes(e.attributes) })),
        ...(s.events.length > SPAN_EVENTS && { eventsNotListed: s.events.length - SPAN_EVENTS }),
        links: s.links.slice(0, SPAN_LINKS).map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: plainAttributes(l.attributes) })),
        ...(s.links.length > SPAN_LINKS && { linksNotListed: s.links.length - SPAN_LINKS }),
        ...(s.droppedAttributesCount + s.droppedEventsCount + s.droppedLinksCount > 0 && {
          droppedBySender: { attributes: s.droppedAttributesCount, events: s.droppedEventsCount, links: s.droppedLinksCount },
        }),
      };
    },
  );

  readOnlyTool(
    server,
    'critical_path',
    "Where one trace's time went: its critical path (what the request waited on, end to end) by service and by operation " +
      `with their share, the longest stretches of the path in time order (default ${PATH_DEFAULT_SECTIONS}, at most ${PATH_MAX_SECTIONS}), ` +
      `and the operations with the most self time. Times in ms. Answer at most ${MAX_ANSWER_CHARS} characters.`,
    {
      traceId: traceIdField,
      maxSections: z.number().int().min(1).max(PATH_MAX_SECTIONS).optional().describe(`Stretches of the path to list (default ${PATH_DEFAULT_SECTIONS}).`),
    },
    async ({ traceId, maxSections }) => criticalPathAnswer((await outlineOf(traceId)).outline, maxSections ?? PATH_DEFAULT_SECTIONS),
  );

  readOnlyTool(
    server,
    'trace_diff',
    'Compares two traces (a: the baseline, such as a fast one; b: the one to explain, such as a slow one), aligned by ' +
      'service + operation path: each trace\'s span count, duration and errors, and the aligned operations whose time changed most ' +
      `(critical-path time, then self time), with counts and times in both, and parts found in only one (default ${DIFF_DEFAULT_NODES}, ` +
      `at most ${DIFF_MAX_NODES}). Deltas are b − a, in ms. Answer at most ${MAX_ANSWER_CHARS} characters.`,
    {
      a: traceIdField.describe('The baseline trace id.'),
      b: traceIdField.describe('The trace compared with it.'),
      maxNodes: z.number().int().min(1).max(DIFF_MAX_NODES).optional().describe(`Aligned operations to list (default ${DIFF_DEFAULT_NODES}).`),
    },
    async ({ a, b, maxNodes }) => {
      const [ta, tb] = await Promise.all([outlineOf(a), outlineOf(b)]);
      return traceDiffAnswer(ta.outline, tb.outline, maxNodes ?? DIFF_DEFAULT_NODES);
    },
  );
}

/** Typed attributes as a plain object (`{ "http.route": "/cart" }`): what a reader expects; int64 stays exact text. */
function plainAttributes(list: readonly ApiKeyValue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list) out[kv.key] = plainValue(kv);
  return out;
}

function plainValue(v: ApiAnyValue): unknown {
  switch (v.type) {
    case 'string':
      return clip(v.value);
    case 'bytes':
      return `base64:${clip(v.value)}`;
    case 'array':
      return v.value.slice(0, ARRAY_ITEMS).map(plainValue);
    case 'kvlist':
      return plainAttributes(v.value.slice(0, ARRAY_ITEMS));
    case 'empty':
      return null;
    default:
      return v.value;
  }
}
