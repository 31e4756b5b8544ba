import type { SearchQueryInput, TraceRow } from '@clew/api';
import { SEARCH_SORTS, SearchQuerySchema, SPAN_KIND_NAMES } from '@clew/api';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { parseWith } from '../api/native/parse-params.js';
import { searchTraces } from '../api/native/search-traces.js';
import { spanKindOf } from '../api/native/to-trace-query.js';
import { clip, isoOfNanos, MAX_ANSWER_CHARS, msOf } from './answer.js';
import type { McpDeps } from './mcp-deps.js';
import { readOnlyTool } from './register-tool.js';
import { resolveWindow, timeWindowFields } from './time-window.js';

/** Names a list answers with at most. */
const MAX_NAMES = 1000;
const SEARCH_DEFAULT = 20;
const SEARCH_MAX = 50;
/** Services a search row names, most spans first. */
const ROW_SERVICES = 6;

/** Spans kinds as the tools take them (the native API's names). */
export const spanKindField = z.enum(SPAN_KIND_NAMES);

/** The first `max` of a list, and how many were left out when any were. */
function bounded<T>(list: readonly T[], max: number, what: string): { items: readonly T[]; note?: string } {
  return list.length <= max ? { items: list } : { items: list.slice(0, max), note: `${max} of ${list.length} ${what} listed` };
}

/** list_services, list_operations and search_traces: the native API's lists and search, in an assistant's terms. */
export function registerSearchTools(server: McpServer, deps: McpDeps): void {
  readOnlyTool(server, 'list_services', `Every service Clew holds spans of, sorted (at most ${MAX_NAMES} names).`, {}, async () => {
    const { items, note } = bounded(await deps.store.services(), MAX_NAMES, 'services');
    return { services: items, ...(note && { note }) };
  });

  readOnlyTool(
    server,
    'list_operations',
    `The operations (span names) of a service, each with its span kind, sorted (at most ${MAX_NAMES}).`,
    { service: z.string().min(1).describe('A service name, as list_services gives it.'), spanKind: spanKindField.optional().describe('Only spans of this kind.') },
    async ({ service, spanKind }) => {
      const ops = await deps.store.operations({ service, ...(spanKind !== undefined && { spanKind: spanKindOf(spanKind) }) });
      const { items, note } = bounded(ops, MAX_NAMES, 'operations');
      return { service, operations: items.map((o) => ({ name: o.name, spanKind: SPAN_KIND_NAMES[o.spanKind] })), ...(note && { note }) };
    },
  );

  readOnlyTool(
    server,
    'search_traces',
    'Finds traces, newest first (or longest, or with most spans), either by fields — a trace matches when one of its spans has the ' +
      'service, operation, kind, every attribute and the duration bounds given — or by a TraceQL query ' +
      '(e.g. `{ resource.service.name = "checkout" && duration > 500ms }` or `{ status = error } >> { span.db.system = "postgresql" }`), ' +
      'not both. Each row: trace id, start, duration, root span, span and error counts, services, and the matching span. ' +
      `Default limit ${SEARCH_DEFAULT}, at most ${SEARCH_MAX}; total counts every match (a TraceQL total may be a lower bound). ` +
      `Answer at most ${MAX_ANSWER_CHARS} characters.`,
    {
      traceql: z.string().optional().describe('A TraceQL query; replaces the field conditions below.'),
      service: z.string().optional().describe('The matching span\'s service.'),
      operation: z.string().optional().describe('The matching span\'s name.'),
      spanKind: spanKindField.optional(),
      attributes: z.record(z.string(), z.string()).optional().describe('Span or resource attributes the matching span has, e.g. {"http.response.status_code": "500"}.'),
      minDuration: z.string().optional().describe('The matching span lasts at least this: "150ms", "1.5s".'),
      maxDuration: z.string().optional().describe('The matching span lasts at most this.'),
      ...timeWindowFields,
      sort: z.enum(SEARCH_SORTS).optional().describe('start (newest first, the default), duration (longest first) or spans (most first).'),
      limit: z.number().int().min(1).max(SEARCH_MAX).optional().describe(`Rows (default ${SEARCH_DEFAULT}).`),
      offset: z.number().int().min(0).optional().describe('Rows to skip, for the next page.'),
    },
    async (args) => {
      const w = resolveWindow(args, deps.now(), undefined);
      const input: SearchQueryInput = {
        ...(args.traceql !== undefined && { q: args.traceql }),
        ...(args.service !== undefined && { service: args.service }),
        ...(args.operation !== undefined && { operation: args.operation }),
        ...(args.spanKind !== undefined && { spanKind: args.spanKind }),
        attr: Object.entries(args.attributes ?? {}).map(([k, v]) => `${k}=${v}`),
        ...(args.minDuration !== undefined && { minDuration: args.minDuration }),
        ...(args.maxDuration !== undefined && { maxDuration: args.maxDuration }),
        ...(w.from !== undefined && { start: String(Math.max(0, Math.floor(w.from))) }),
        ...(w.to !== undefined && { end: String(Math.ceil(w.to)) }),
        ...(args.sort !== undefined && { sort: args.sort }),
        limit: String(args.limit ?? SEARCH_DEFAULT),
        offset: String(args.offset ?? 0),
      };
      const page = await searchTraces(deps.store, parseWith(SearchQuerySchema, input));
      return {
        total: page.total,
        ...(page.totalIsLowerBound && { totalIsLowerBound: true }),
        offset: page.offset,
        ...(w.from !== undefined && { from: new Date(w.from).toISOString() }),
        ...(w.to !== undefined && { to: new Date(w.to).toISOString() }),
        traces: page.traces.map(searchRow),
      };
    },
  );
}

/** A search row as an assistant reads it: ms and ISO times, services as "name (spans, errors)". */
function searchRow(r: TraceRow) {
  return {
    traceId: r.traceId,
    start: isoOfNanos(r.startTimeUnixNano),
    durationMs: msOf(BigInt(r.durationNanos)),
    root: `${clip(r.rootService, 60)}: ${clip(r.rootName, 100)}`,
    spans: r.spanCount,
    errors: r.errorCount,
    services: r.services.slice(0, ROW_SERVICES).map((s) => `${clip(s.name, 60)} (${s.spanCount}${s.errorCount > 0 ? `, ${s.errorCount} errors` : ''})`),
    ...(r.services.length > ROW_SERVICES && { moreServices: r.services.length - ROW_SERVICES }),
    ...(r.matchedSpan && { matched: { spanId: r.matchedSpan.spanId, service: r.matchedSpan.service, name: clip(r.matchedSpan.name, 100), durationMs: msOf(BigInt(r.matchedSpan.durationNanos)) } }),
  };
}
