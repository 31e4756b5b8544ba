import type { CriticalPathQueryInput } from '@clew/api';
import { CRITICAL_PATH_MAX_TRACES, CriticalPathQuerySchema, TraceParamsSchema } from '@clew/api';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { endpointCriticalPath, tracePatternsOf } from '../api/native/critical-path-routes.js';
import { parseWith } from '../api/native/parse-params.js';
import { clip, MAX_ANSWER_CHARS, msOf, rounded } from './answer.js';
import type { McpDeps } from './mcp-deps.js';
import { readOnlyTool } from './register-tool.js';
import { resolveWindow, timeWindowFields } from './time-window.js';

const OPERATIONS_DEFAULT = 20;
const OPERATIONS_MAX = 60;
/** Findings of each kind, and span ids per finding, an answer lists at most. */
const FINDINGS_MAX = 20;
const FINDING_SPAN_IDS = 10;

/** endpoint_critical_path and trace_patterns: the native API's "explain the slowness" answers, for an assistant. */
export function registerEndpointTools(server: McpServer, deps: McpDeps): void {
  readOnlyTool(
    server,
    'endpoint_critical_path',
    "What an endpoint's time waits on across many requests: the critical paths of the traces whose span of this service and " +
      'operation started in the window (default the last hour), optionally only those lasting minDuration..maxDuration (the slow ' +
      'ones), merged by operation — each operation\'s time on the path, summed and per trace, its share and in how many traces. ' +
      `At most ${CRITICAL_PATH_MAX_TRACES} traces are read (a uniform sample past it, said so). Default ${OPERATIONS_DEFAULT} ` +
      `operations, at most ${OPERATIONS_MAX}. Answer at most ${MAX_ANSWER_CHARS} characters.`,
    {
      service: z.string().min(1),
      operation: z.string().min(1).describe("One of the service's operations (span name), as list_operations gives it."),
      minDuration: z.string().optional().describe('Only requests lasting at least this ("500ms"): the slow ones.'),
      maxDuration: z.string().optional(),
      ...timeWindowFields,
      limit: z.number().int().min(1).max(OPERATIONS_MAX).optional().describe(`Operations to list (default ${OPERATIONS_DEFAULT}).`),
    },
    async (args) => {
      const now = deps.now();
      const w = resolveWindow(args, now, '1h');
      const input: CriticalPathQueryInput = {
        service: args.service,
        operation: args.operation,
        minDuration: args.minDuration,
        maxDuration: args.maxDuration,
        from: w.from === undefined ? undefined : String(Math.max(0, Math.round(w.from))),
        to: String(Math.round(w.to ?? now)),
      };
      const r = await endpointCriticalPath(deps.store, parseWith(CriticalPathQuerySchema, input), now);
      const limit = args.limit ?? OPERATIONS_DEFAULT;
      return {
        service: r.service,
        operation: r.operation,
        from: new Date(r.from).toISOString(),
        to: new Date(r.to).toISOString(),
        tracesMatched: r.matched,
        tracesMerged: r.used,
        ...(r.sampled && { sampled: true }),
        totalMs: msOf(r.totalNs),
        meanRequestMs: r.used > 0 ? msOf(r.totalNs / r.used) : null,
        operations: r.operations.slice(0, limit).map((o) => ({
          service: o.service,
          name: clip(o.name, 200),
          share: rounded(o.share, 4),
          totalMs: msOf(o.totalNs),
          meanMs: msOf(o.meanNs),
          traces: o.traces,
        })),
        ...(r.operations.length > limit && { operationsNotListed: r.operations.length - limit }),
      };
    },
  );

  readOnlyTool(
    server,
    'trace_patterns',
    'Wasteful patterns in one trace: N+1 calls (the same call repeated under one parent, at least minRepeats times, default 5 — ' +
      'told apart by statement or route) and retries (a call repeated after failures), each with its caller, what it reached, ' +
      `how many times, and the time they took in ms. At most ${FINDINGS_MAX} of each; answer at most ${MAX_ANSWER_CHARS} characters.`,
    {
      traceId: z.string().describe('Trace id: 32 hex digits.'),
      minRepeats: z.number().int().min(2).max(1_000_000).optional().describe('Repeats that make an N+1 (default 5).'),
    },
    async (args) => {
      const { traceId } = parseWith(TraceParamsSchema, { traceId: args.traceId });
      const r = await tracePatternsOf(deps.store, traceId, args.minRepeats ?? 5);
      const common = (f: (typeof r.nPlusOne)[number] | (typeof r.retries)[number]) => ({
        service: f.service,
        name: clip(f.name, 200),
        ...(f.detail !== undefined && { detail: clip(f.detail, 500) }),
        ...(f.callee !== undefined && { callee: `${f.callee.service}: ${clip(f.callee.name, 200)}` }),
        parentSpanId: f.parentSpanId,
        totalMs: msOf(f.totalNs),
        spanIds: f.spanIds.slice(0, FINDING_SPAN_IDS),
      });
      return {
        traceId,
        minRepeats: r.minRepeats,
        nPlusOne: r.nPlusOne.slice(0, FINDINGS_MAX).map((f) => ({ ...common(f), count: f.count })),
        ...(r.nPlusOne.length > FINDINGS_MAX && { nPlusOneNotListed: r.nPlusOne.length - FINDINGS_MAX }),
        retries: r.retries.slice(0, FINDINGS_MAX).map((f) => ({ ...common(f), attempts: f.attempts, failures: f.failures, succeeded: f.succeeded })),
        ...(r.retries.length > FINDINGS_MAX && { retriesNotListed: r.retries.length - FINDINGS_MAX }),
        note: `spanIds lists the first ${FINDING_SPAN_IDS} calls of each finding`,
      };
    },
  );
}
