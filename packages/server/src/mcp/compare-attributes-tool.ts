import type { AttributeCompareQueryInput } from '@clew/api';
import { AttributeCompareQuerySchema } from '@clew/api';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { attributeComparison } from '../api/native/attribute-comparison-routes.js';
import { parseWith } from '../api/native/parse-params.js';
import { clip, isoOfNanos, MAX_ANSWER_CHARS, rounded } from './answer.js';
import type { McpDeps } from './mcp-deps.js';
import { readOnlyTool } from './register-tool.js';
import { spanKindField } from './search-tools.js';
import { resolveWindow, timeWindowFields } from './time-window.js';

const VALUES_DEFAULT = 20;
const VALUES_MAX = 60;
/** Keys set aside (ids and the like) an answer names at most. */
const SET_ASIDE_MAX = 30;

/** compare_attributes: what is different about the slow (or failing) spans, as the search page's comparison finds it. */
export function registerCompareAttributesTool(server: McpServer, deps: McpDeps): void {
  readOnlyTool(
    server,
    'compare_attributes',
    'What is different about a selection of spans: among the spans matching the fields (service, operation, kind, attributes, ' +
      'duration bounds) in a window (default the last hour), the selection — the errors, or a band of duration and/or time — is ' +
      'compared with the rest, and the attribute values (span, resource and event attributes; name, kind and status) over-represented ' +
      'in it are ranked by the difference in share, with both percentages and a z-score (above about 2 it is unlikely to be chance). ' +
      'Identifier-like keys with too many values are set aside, named. Past 50,000 spans each side is a uniform sample, said so. ' +
      `Default ${VALUES_DEFAULT} values, at most ${VALUES_MAX}. Answer at most ${MAX_ANSWER_CHARS} characters.`,
    {
      service: z.string().optional(),
      operation: z.string().optional(),
      spanKind: spanKindField.optional(),
      attributes: z.record(z.string(), z.string()).optional().describe('Attributes every compared span has, e.g. {"http.route": "/cart"}.'),
      minDuration: z.string().optional().describe('Compared spans last at least this ("150ms").'),
      maxDuration: z.string().optional(),
      ...timeWindowFields,
      selection: z
        .enum(['errors', 'band'])
        .describe('errors: the failing spans against the others; band: the spans within selectionMinDuration..selectionMaxDuration and/or selectionFrom..selectionTo against the others.'),
      selectionMinDuration: z.string().optional().describe('Band: spans lasting at least this, e.g. "500ms" for the slow ones.'),
      selectionMaxDuration: z.string().optional(),
      selectionFrom: z.string().optional().describe('Band: spans starting at or after this (ISO 8601 or epoch ms).'),
      selectionTo: z.string().optional(),
      limit: z.number().int().min(1).max(VALUES_MAX).optional().describe(`Ranked values (default ${VALUES_DEFAULT}).`),
      descendants: z
        .boolean()
        .optional()
        .describe("true: each span counts with the attributes of every span below it (what it called), so slow requests rank the slow query a child made; reads about 500 traces a side."),
    },
    async (args) => {
      const now = deps.now();
      const w = resolveWindow(args, now, '1h');
      const band = resolveWindow({ from: args.selectionFrom, to: args.selectionTo }, now, undefined);
      const ms = (t: number | undefined) => (t === undefined ? undefined : String(Math.max(0, Math.round(t))));
      const input: AttributeCompareQueryInput = {
        service: args.service,
        operation: args.operation,
        spanKind: args.spanKind,
        attr: Object.entries(args.attributes ?? {}).map(([k, v]) => `${k}=${v}`),
        minDuration: args.minDuration,
        maxDuration: args.maxDuration,
        start: ms(w.from),
        end: ms(w.to ?? now),
        selection: args.selection,
        selMinDuration: args.selectionMinDuration,
        selMaxDuration: args.selectionMaxDuration,
        selStart: ms(band.from),
        selEnd: ms(band.to),
        limit: String(args.limit ?? VALUES_DEFAULT),
        descendants: args.descendants ? 'true' : 'false',
      };
      const r = await attributeComparison(deps.store, parseWith(AttributeCompareQuerySchema, input), now);
      return {
        from: isoOfNanos(r.startTimeUnixNano),
        to: isoOfNanos(r.endTimeUnixNano),
        selection: r.selection,
        baseline: r.baseline,
        ...(r.sampled && { sampled: true }),
        ...(r.descendants && { descendants: true }),
        values: r.values.map((v) => ({
          scope: v.scope,
          key: clip(v.key, 200),
          value: v.value === null ? null : clip(v.value, 300),
          selectionPercent: rounded(v.selectionPercent, 2),
          baselinePercent: rounded(v.baselinePercent, 2),
          difference: rounded(v.difference, 2),
          selectionCount: v.selectionCount,
          baselineCount: v.baselineCount,
          z: rounded(v.z, 2),
        })),
        ...(r.omitted > 0 && { valuesNotListed: r.omitted }),
        setAside: r.setAside.slice(0, SET_ASIDE_MAX).map((s) => ({ scope: s.scope, key: clip(s.key, 200), reason: s.reason, distinctValues: s.distinctValues })),
      };
    },
  );
}
