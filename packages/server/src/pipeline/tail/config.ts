import { z } from 'zod';
import { parseConfigDuration } from '../../config/duration.js';
import { ClewError } from '../../errors.js';
import { parseTraceQL } from '../../query/traceql/index.js';
import { peersConfigSchema } from '../forward/config.js';
import type { Policy } from './policies.js';
import { andPolicy, attributePolicy, errorPolicy, latencyPolicy, orPolicy, ratePolicy, servicesPolicy, slowestPolicy, traceqlPolicy } from './policies.js';
import { TailSampler } from './tail-sampler.js';

const duration = z.string().refine((s) => parseConfigDuration(s) !== null, {
  message: 'expected a duration such as 10s, 500ms or 1m30s',
});
const count = z.number().int().positive();
const name = z.string().min(1).optional();

const error = z.object({ type: z.literal('error'), name }).strict();

const latency = z
  .object({
    type: z.literal('latency'),
    name,
    /** Kept when longer than this: each span of `service`/`operation` when given, else the whole trace. */
    threshold: duration,
    service: z.string().min(1).optional(),
    operation: z.string().min(1).optional(),
  })
  .strict();

const slowest = z
  .object({
    type: z.literal('slowest'),
    name,
    /** Percent of each operation's traces kept: its slowest. */
    percent: z.number().gt(0, 'must be above 0').lt(100, 'must be below 100 (a policy keeping everything is not a sample)'),
    minSamples: count.default(100),
    window: duration.default('10m'),
    maxOperations: count.default(10_000),
  })
  .strict();

const attribute = z
  .object({
    type: z.literal('attribute'),
    name,
    attributes: z.record(z.string(), z.string()).refine((a) => Object.keys(a).length > 0, { message: 'name at least one attribute' }),
    regex: z.boolean().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (!p.regex) return;
    for (const [key, text] of Object.entries(p.attributes)) {
      try {
        new RegExp(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['attributes', key], message: `not a valid regular expression: ${(err as Error).message}` });
      }
    }
  });

const traceql = z
  .object({ type: z.literal('traceql'), name, query: z.string().min(1) })
  .strict()
  .superRefine((p, ctx) => {
    const parsed = parseTraceQL(p.query);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', path: ['query'], message: parsed.error.message });
  });

const services = z.object({ type: z.literal('services'), name, services: z.array(z.string().min(1)).min(1) }).strict();

const rate = z
  .object({
    type: z.literal('rate'),
    name,
    /** Traces a second kept per root service. */
    tracesPerSecond: z.number().positive(),
    /** Kept at once after a quiet spell; defaults to one second's worth (at least 1). */
    burst: z.number().min(1).optional(),
    maxServices: count.default(10_000),
  })
  .strict();

/** A policy as configured. `and` and `or` hold policies of their own. */
export type PolicyConfig =
  | z.infer<typeof error>
  | z.infer<typeof latency>
  | z.infer<typeof slowest>
  | z.infer<typeof attribute>
  | z.infer<typeof traceql>
  | z.infer<typeof services>
  | z.infer<typeof rate>
  | { type: 'and' | 'or'; name?: string | undefined; policies: PolicyConfig[] };

const composite = (type: 'and' | 'or') =>
  z
    .object({
      type: z.literal(type),
      name,
      get policies(): z.ZodArray<z.ZodType<PolicyConfig>> {
        return z.array(policyConfigSchema).min(1);
      },
    })
    .strict();

export const policyConfigSchema: z.ZodType<PolicyConfig> = z.discriminatedUnion('type', [
  error,
  latency,
  slowest,
  attribute,
  traceql,
  services,
  rate,
  composite('and'),
  composite('or'),
]);

/**
 * The tail sampling stage's section (issue 10), for the main configuration schema to include. With no policies
 * there is no stage: every span goes to the store.
 * @example tailSampling: { decisionWait: 10s, policies: [{ type: error }, { type: latency, threshold: 2s }, { type: rate, tracesPerSecond: 1 }] }
 */
export const tailSamplingConfigSchema = z
  .object({
    /** A trace is decided once no span of it has arrived for this long. */
    decisionWait: duration.default('10s'),
    /** …or once its first span is this old, however busy it still is: bounds how long it keeps the log from being released. */
    maxTraceWait: duration.default('5m'),
    /** Spans held at most; past it the traces that arrived first are decided early (counted, never dropped silently). */
    maxSpans: count.default(1_000_000),
    /** Decisions remembered for late spans. */
    decisionCacheSize: count.default(100_000),
    /** Asked in order: the first that keeps a trace keeps it; put a rate baseline last. */
    policies: z.array(policyConfigSchema).default([]),
    /** Several collectors: each forwards the spans of traces another owns (by trace id) to it. Absent: one collector. */
    peers: peersConfigSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    c.policies.forEach((p, i) => {
      const n = p.name ?? p.type;
      const first = seen.get(n);
      if (first === undefined) seen.set(n, i);
      else ctx.addIssue({ code: 'custom', path: ['policies', i, 'name'], message: `policies.${first} is already named '${n}'; give this one its own name (names label the metrics)` });
    });
    if (c.peers !== undefined && c.policies.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['peers'], message: 'peers route whole traces to one sampler: configure policies too (with none there is no tail sampling to share)' });
    }
    if (parseConfigDuration(c.maxTraceWait)! < parseConfigDuration(c.decisionWait)!) {
      ctx.addIssue({ code: 'custom', path: ['maxTraceWait'], message: `must be at least decisionWait (${c.decisionWait})` });
    }
  })
  .prefault({});

export type TailSamplingConfig = z.infer<typeof tailSamplingConfigSchema>;

/**
 * Validates a tailSampling section on its own, naming the bad key as `clew serve` does
 * (`invalid configuration at "tailSampling.policies.1.threshold": …`).
 */
export function parseTailSamplingConfig(input: unknown, at = 'tailSampling'): TailSamplingConfig {
  const result = tailSamplingConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const key = [at, ...issue.path.map(String)].filter((k) => k !== '').join('.');
  throw new ClewError('CONFIG_INVALID', `invalid configuration at "${key}": ${issue.message}`);
}

const millis = (text: string): number => parseConfigDuration(text)!;

/** One configured policy, built (composites with their policies). */
export function buildPolicy(p: PolicyConfig): Policy {
  const n = p.name ?? p.type;
  switch (p.type) {
    case 'error':
      return errorPolicy(n);
    case 'latency':
      return latencyPolicy({ name: n, thresholdNanos: BigInt(Math.round(millis(p.threshold) * 1e6)), ...(p.service !== undefined && { service: p.service }), ...(p.operation !== undefined && { operation: p.operation }) });
    case 'slowest':
      return slowestPolicy({ name: n, percent: p.percent, minSamples: p.minSamples, windowMs: millis(p.window), maxOperations: p.maxOperations });
    case 'attribute':
      return attributePolicy({ name: n, attributes: p.attributes, ...(p.regex !== undefined && { regex: p.regex }) });
    case 'traceql': {
      const parsed = parseTraceQL(p.query);
      if (!parsed.ok) throw new ClewError('CONFIG_INVALID', `tail sampling policy '${n}': ${parsed.error.message}`);
      return traceqlPolicy({ name: n, query: parsed.query });
    }
    case 'services':
      return servicesPolicy({ name: n, services: p.services });
    case 'rate':
      return ratePolicy({ name: n, tracesPerSecond: p.tracesPerSecond, burst: p.burst ?? Math.max(1, p.tracesPerSecond), maxServices: p.maxServices });
    case 'and':
      return andPolicy(n, p.policies.map(buildPolicy));
    case 'or':
      return orPolicy(n, p.policies.map(buildPolicy));
  }
}

/**
 * The sampler a configuration describes, on the given clock; undefined when it lists no policy (no stage).
 * @example buildTailSampler(config.tailSampling, { now: Date.now })
 */
export function buildTailSampler(
  config: TailSamplingConfig,
  opts: { readonly now: () => number; readonly onPolicyError?: (err: unknown, policy: string) => void },
): TailSampler | undefined {
  if (config.policies.length === 0) return undefined;
  return new TailSampler({
    policies: config.policies.map(buildPolicy),
    decisionWaitMs: millis(config.decisionWait),
    maxTraceWaitMs: millis(config.maxTraceWait),
    maxSpans: config.maxSpans,
    decisionCacheSize: config.decisionCacheSize,
    now: opts.now,
    ...(opts.onPolicyError && { onPolicyError: opts.onPolicyError }),
  });
}
