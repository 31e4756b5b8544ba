import { describe, expect, it } from 'vitest';
import { buildPolicy, buildTailSampler, parseTailSamplingConfig, policyConfigSchema } from './config.js';
import { drawTrace } from './draw-trace.js';

/** The message a tailSampling section is refused with, or 'ok'. */
function check(section: unknown): string {
  try {
    parseTailSamplingConfig(section);
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('tailSampling configuration', () => {
  it('has defaults: a 10 s wait, a million spans, no policy (no stage)', () => {
    expect(parseTailSamplingConfig(undefined)).toEqual({ decisionWait: '10s', maxTraceWait: '5m', maxSpans: 1_000_000, decisionCacheSize: 100_000, policies: [] });
    expect(buildTailSampler(parseTailSamplingConfig({}), { now: () => 0 })).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    [
      'every policy type',
      {
        policies: [
          { type: 'error' },
          { type: 'latency', threshold: '2s' },
          { type: 'latency', name: 'slow-pay', threshold: '300ms', service: 'payment', operation: 'charge' },
          { type: 'slowest', percent: 1 },
          { type: 'attribute', attributes: { 'http.response.status_code': '5\\d\\d' }, regex: true },
          { type: 'traceql', query: '{ resource.service.name = "payment" && status = error }' },
          { type: 'services', services: ['ledger'] },
          { type: 'and', name: 'canary-errors', policies: [{ type: 'attribute', attributes: { 'deployment.environment': 'canary' } }, { type: 'error' }] },
          { type: 'or', policies: [{ type: 'services', services: ['a'] }, { type: 'or', policies: [{ type: 'error' }] }] },
          { type: 'rate', tracesPerSecond: 0.5 },
        ],
      },
      'ok',
    ],
    ['a bad decision wait', { decisionWait: '10 seconds' }, 'invalid configuration at "tailSampling.decisionWait": expected a duration such as 10s'],
    ['maxTraceWait under the wait', { decisionWait: '30s', maxTraceWait: '10s' }, 'invalid configuration at "tailSampling.maxTraceWait": must be at least decisionWait (30s)'],
    ['no span room', { maxSpans: 0 }, 'invalid configuration at "tailSampling.maxSpans"'],
    ['an unknown key', { decisionWiat: '5s' }, 'invalid configuration at "tailSampling"'],
    ['an unknown type', { policies: [{ type: 'probabilistic' }] }, 'invalid configuration at "tailSampling.policies.0.type"'],
    ['a latency without threshold', { policies: [{ type: 'latency', service: 'cart' }] }, 'invalid configuration at "tailSampling.policies.0.threshold"'],
    ['a bad threshold', { policies: [{ type: 'latency', threshold: 'slow' }] }, 'invalid configuration at "tailSampling.policies.0.threshold": expected a duration'],
    ['slowest at 100%', { policies: [{ type: 'slowest', percent: 100 }] }, 'invalid configuration at "tailSampling.policies.0.percent": must be below 100'],
    ['slowest at 0%', { policies: [{ type: 'slowest', percent: 0 }] }, 'invalid configuration at "tailSampling.policies.0.percent": must be above 0'],
    ['an attribute policy with none', { policies: [{ type: 'attribute', attributes: {} }] }, 'invalid configuration at "tailSampling.policies.0.attributes": name at least one attribute'],
    ['a bad attribute regex', { policies: [{ type: 'attribute', attributes: { route: '(' }, regex: true }] }, 'invalid configuration at "tailSampling.policies.0.attributes.route": not a valid regular expression'],
    ['a query that does not parse', { policies: [{ type: 'traceql', query: '{ .a = }' }] }, 'invalid configuration at "tailSampling.policies.0.query": parse error at line 1, col 8'],
    ['a metrics query', { policies: [{ type: 'traceql', query: '{ } | rate()' }] }, "TraceQL metrics (rate()) are not supported"],
    ['no services', { policies: [{ type: 'services', services: [] }] }, 'invalid configuration at "tailSampling.policies.0.services"'],
    ['a rate of 0', { policies: [{ type: 'rate', tracesPerSecond: 0 }] }, 'invalid configuration at "tailSampling.policies.0.tracesPerSecond"'],
    ['an empty and', { policies: [{ type: 'and', policies: [] }] }, 'invalid configuration at "tailSampling.policies.0.policies"'],
    ['a bad policy inside an or', { policies: [{ type: 'or', policies: [{ type: 'error' }, { type: 'latency', threshold: 'x' }] }] }, 'invalid configuration at "tailSampling.policies.0.policies.1.threshold"'],
    ['two of a type without names', { policies: [{ type: 'error' }, { type: 'error' }] }, `invalid configuration at "tailSampling.policies.1.name": policies.0 is already named 'error'`],
    ['two of a type, named', { policies: [{ type: 'latency', threshold: '1s' }, { type: 'latency', name: 'slow-cart', threshold: '1s', service: 'cart' }] }, 'ok'],
  ])('%s', (_, section, want) => {
    const got = check(section);
    if (want === 'ok') expect(got).toBe('ok');
    else expect(got).toContain(want);
  });

  it('builds the sampler the section describes, policies named by name or type', () => {
    const config = parseTailSamplingConfig({
      decisionWait: '2s',
      policies: [{ type: 'error', name: 'errors' }, { type: 'latency', threshold: '1.5s' }, { type: 'rate', tracesPerSecond: 1 }],
    });
    const clock = { t: 0 };
    const sampler = buildTailSampler(config, { now: () => clock.t })!;
    expect(sampler.stats().policies.map((p) => p.policy)).toEqual(['errors', 'latency', 'rate']);
    // One column is 100 ms: 1.7 s is over 1.5 s; the other two take exactly 1.5 s and share the baseline's one token.
    const slow = drawTrace('A . frontend |----------------|', { unitMs: 100 });
    const ordinary = drawTrace('A . frontend |--------------|', { unitMs: 100 });
    const another = drawTrace('A . frontend |--------------|', { unitMs: 100 });
    sampler.add([...slow, ...ordinary, ...another], 1n);
    expect(sampler.due(1_999).kept).toEqual([]);
    const out = sampler.due(2_000);
    expect(out.kept.map((k) => k.policy)).toEqual(['latency', 'rate']);
    expect(out.dropped).toEqual([{ policy: 'rate', reason: 'rate_limited', traces: 1, spans: 1 }]);
  });

  it('builds composites with their policies', () => {
    const policy = buildPolicy(policyConfigSchema.parse({ type: 'and', name: 'slow-canary', policies: [{ type: 'attribute', attributes: { 'deployment.environment': 'canary' } }, { type: 'latency', threshold: '200ms' }] }));
    const canary = drawTrace('A . frontend |----|  resource.deployment.environment=canary', { unitMs: 100 });
    const stable = drawTrace('A . frontend |----|  resource.deployment.environment=stable', { unitMs: 100 });
    expect(policy.decide(canary, { now: 0 })).toEqual({ keep: true, policy: 'slow-canary', reason: 'all_matched' });
    expect(policy.decide(stable, { now: 0 })).toEqual({ keep: false, policy: 'attribute', reason: 'no_match' });
  });
});
