import type { RedFigures, SloView } from '@clew/api';
import { HEALTH_MAX_POINTS } from '@clew/api';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ClewError } from '../errors.js';
import type { HealthWindow } from '../query/metrics/health-window.js';
import { resolveHealthWindow } from '../query/metrics/health-window.js';
import type { ServiceHealthQueries } from '../query/metrics/service-health.js';
import { clip, MAX_ANSWER_CHARS, rounded } from './answer.js';
import type { McpDeps } from './mcp-deps.js';
import { readOnlyTool } from './register-tool.js';
import { spanKindField } from './search-tools.js';
import { resolveWindow, timeWindowFields } from './time-window.js';

const MAX_SERVICES = 100;
const MAX_OPERATIONS = 25;
const MAX_ERRORS = 10;
const MAX_NODES = 200;
const MAX_EDGES = 300;
const MAX_SLOS = 100;

/** RED figures as an answer carries them: rates per second, ratios and ms rounded. */
const figures = (f: RedFigures) => ({
  count: f.count,
  ratePerSec: rounded(f.rate, 4),
  errors: f.errors,
  errorRate: rounded(f.errorRate, 4),
  p50Ms: rounded(f.p50Ms),
  p95Ms: rounded(f.p95Ms),
  p99Ms: rounded(f.p99Ms),
});

const windowOf = (w: HealthWindow) => ({ from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString() });

/** red_metrics, service_map and slo_status: the service-health and SLO views of the UI, over the metrics rollups. */
export function registerHealthTools(server: McpServer, deps: McpDeps): void {
  const health = (): ServiceHealthQueries => {
    if (deps.health === undefined) throw new ClewError('NOT_FOUND', 'service health is off on this Clew: it runs without a metrics store');
    return deps.health;
  };
  const healthWindow = (args: { since?: string | undefined; from?: string | undefined; to?: string | undefined }): HealthWindow => {
    const now = deps.now();
    const w = resolveWindow(args, now, '1h');
    return resolveHealthWindow({ from: w.from, to: w.to }, now, HEALTH_MAX_POINTS);
  };

  readOnlyTool(
    server,
    'red_metrics',
    'Rate, errors and duration (count, requests per second, error count and rate, p50/p95/p99 in ms) from every span counted at ' +
      'ingest, over a window (default the last hour, in whole minutes). Without service: every service (at most ' +
      `${MAX_SERVICES}), with the window before for comparison. With service: its figures, its operations ranked by their share ` +
      `of its time (at most ${MAX_OPERATIONS}) and its most frequent errors (at most ${MAX_ERRORS}); operation narrows to one. ` +
      `spanKind picks the spans counted (default server: requests served). Answer at most ${MAX_ANSWER_CHARS} characters.`,
    {
      service: z.string().optional().describe('One service; all services when absent.'),
      operation: z.string().optional().describe("With service: one of its operations."),
      spanKind: spanKindField.optional().describe('Spans counted: server (default), client, consumer, producer, internal.'),
      ...timeWindowFields,
    },
    async (args) => {
      const h = health();
      const w = healthWindow(args);
      const kind = args.spanKind ?? 'server';
      if (args.service === undefined) {
        const services = await h.services(w, kind);
        return {
          ...windowOf(w),
          spanKind: kind,
          services: services.slice(0, MAX_SERVICES).map((s) => ({ service: s.service, ...figures(s.figures), previousWindow: s.previous && figures(s.previous) })),
          ...(services.length > MAX_SERVICES && { note: `${MAX_SERVICES} of ${services.length} services listed` }),
        };
      }
      const d = await h.service(args.service, w, kind, args.operation);
      return {
        ...windowOf(w),
        spanKind: kind,
        service: d.service,
        ...(d.operation !== null && { operation: d.operation }),
        ...figures(d.figures),
        operations: d.operations.slice(0, MAX_OPERATIONS).map((o) => ({ operation: clip(o.operation, 200), ...figures(o.figures), shareOfTime: rounded(o.impact, 4) })),
        ...(d.operations.length > MAX_OPERATIONS && { operationsNotListed: d.operations.length - MAX_OPERATIONS }),
        topErrors: d.errors.slice(0, MAX_ERRORS).map((e) => ({ operation: e.operation, type: e.type, message: clip(e.message, 300), count: e.count, lastSeen: new Date(e.lastSeen).toISOString() })),
        ...(d.overflowOperation !== null && { note: `operations past the limit are counted together under "${d.overflowOperation}"` }),
      };
    },
  );

  readOnlyTool(
    server,
    'service_map',
    'The service graph over a window (default the last hour): nodes (services, databases, messaging systems, and virtual nodes ' +
      'for uninstrumented callers or peers) and the edges between them, each with calls, calls per second, failed calls, error rate ' +
      `and p95 latency in ms. At most ${MAX_NODES} nodes and ${MAX_EDGES} edges, busiest first. Answer at most ${MAX_ANSWER_CHARS} characters.`,
    { ...timeWindowFields },
    async (args) => {
      const w = healthWindow(args);
      const m = await health().map(w);
      const edges = [...m.edges].sort((a, b) => b.count - a.count).slice(0, MAX_EDGES);
      return {
        ...windowOf(w),
        nodes: m.nodes.slice(0, MAX_NODES),
        edges: edges.map((e) => ({
          client: e.client,
          server: e.server,
          connectionType: e.connectionType,
          calls: e.count,
          ratePerSec: rounded(e.rate, 4),
          failed: e.failed,
          errorRate: rounded(e.errorRate, 4),
          p95Ms: rounded(e.p95Ms),
        })),
        ...((m.nodes.length > MAX_NODES || m.edges.length > MAX_EDGES) && {
          note: `${Math.min(MAX_NODES, m.nodes.length)} of ${m.nodes.length} nodes and ${edges.length} of ${m.edges.length} edges listed`,
        }),
      };
    },
  );

  readOnlyTool(
    server,
    'slo_status',
    'Service level objectives and where each stands now: objective and target, SLI over its compliance window, error budget left ' +
      '(1 untouched, 0 spent, negative overspent), burn rates over the alerting windows (1 spends the budget exactly over the ' +
      `window), and which burn-rate alerts fire (page or ticket). At most ${MAX_SLOS} SLOs. Answer at most ${MAX_ANSWER_CHARS} characters.`,
    { service: z.string().optional().describe('Only SLOs of this service.'), id: z.string().optional().describe('Only the SLO with this id.') },
    async ({ service, id }) => {
      if (deps.slos === undefined) throw new ClewError('NOT_FOUND', 'SLOs are off on this Clew: it runs without a metrics store');
      const all = await deps.slos();
      const slos = all.filter((s) => (service === undefined || s.definition.service === service) && (id === undefined || s.definition.id === id));
      return {
        slos: slos.slice(0, MAX_SLOS).map(sloAnswer),
        ...(slos.length > MAX_SLOS && { note: `${MAX_SLOS} of ${slos.length} SLOs listed` }),
        ...(slos.length === 0 && { note: all.length === 0 ? 'no SLOs are defined' : `none of the ${all.length} SLOs matches` }),
      };
    },
  );
}

function sloAnswer(s: SloView) {
  const d = s.definition;
  return {
    id: d.id,
    name: clip(d.name, 200),
    service: d.service,
    ...(d.operation !== undefined && { operation: d.operation }),
    spanKind: d.spanKind,
    objective: d.objective.kind === 'latency' ? `latency under ${d.objective.thresholdMs} ms` : 'availability (spans without error)',
    target: d.target,
    window: d.window,
    sli: rounded(s.sli, 6),
    events: s.total,
    bad: s.bad,
    budgetRemaining: rounded(s.budgetRemaining, 4),
    burnRates: Object.fromEntries(s.burnRates.map((b) => [b.window, rounded(b.burnRate, 3)])),
    alertState: s.alertState,
    firing: s.alerts.filter((a) => a.firing).map((a) => ({ rule: a.rule, severity: a.severity, since: a.since === null ? null : new Date(a.since).toISOString() })),
    evaluatedAt: new Date(s.evaluatedAt).toISOString(),
  };
}
