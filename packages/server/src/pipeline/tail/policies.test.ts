import { describe, expect, it } from 'vitest';
import { parseTraceQL } from '../../query/traceql/index.js';
import { drawTrace } from './draw-trace.js';
import type { Policy } from './policies.js';
import { andPolicy, attributePolicy, errorPolicy, latencyPolicy, orPolicy, ratePolicy, rootService, servicesPolicy, traceExtent, traceqlPolicy } from './policies.js';

const ms = (n: number) => BigInt(n) * 1_000_000n;
const at = (now: number) => ({ now });

/** A policy's answer on a drawn trace (one column = 100 ms), as "keep reason" or "drop reason". */
function verdict(policy: Policy, picture: string, now = 0): string {
  const d = policy.decide(drawTrace(picture, { unitMs: 100 }), at(now));
  return `${d.keep ? 'keep' : 'drop'} ${d.reason}`;
}

function traceql(text: string, name?: string): Policy {
  const parsed = parseTraceQL(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return traceqlPolicy({ query: parsed.query, ...(name !== undefined && { name }) });
}

// One column is 100 ms in every picture below, and the bars mark the start and the end: `|----|` is 500 ms.
describe('leaf policies', () => {
  it.each<[string, Policy, string, string]>([
    [
      'error: a failed span anywhere keeps the trace',
      errorPolicy(),
      `
      A .  frontend  |------|
      B A  payment     |--|   !
      `,
      'keep error',
    ],
    [
      'error: no failed span',
      errorPolicy(),
      `
      A .  frontend  |------|
      B A  payment     |--|
      `,
      'drop no_error',
    ],
    [
      'latency, whole trace: 700 ms is over 500 ms',
      latencyPolicy({ thresholdNanos: ms(500) }),
      `
      A .  frontend  |------|
      `,
      'keep slow',
    ],
    [
      'latency, whole trace: exactly the threshold is not over it',
      latencyPolicy({ thresholdNanos: ms(500) }),
      `
      A .  frontend  |----|
      `,
      'drop fast',
    ],
    [
      'latency, whole trace: work that outlives the root (a queue step) counts',
      latencyPolicy({ thresholdNanos: ms(500) }),
      `
      A .  frontend  |--|
      B A  shipping     |----|  kind=consumer
      `,
      'keep slow',
    ],
    [
      'latency, whole trace: measured on the spans held when the root has not arrived',
      latencyPolicy({ thresholdNanos: ms(500) }),
      `
      B ?  checkout    |-|
      C ?  payment           |-|
      `,
      'keep slow',
    ],
    [
      "latency of a service: a slow root of another service does not count",
      latencyPolicy({ thresholdNanos: ms(250), service: 'payment' }),
      `
      A .  frontend  |----------|
      B A  payment     |-|
      `,
      'drop fast',
    ],
    [
      'latency of a service: any one of its spans over the threshold keeps the trace',
      latencyPolicy({ thresholdNanos: ms(250), service: 'payment' }),
      `
      A .  frontend  |----------|
      B A  payment     |-|
      C A  payment         |---|
      `,
      'keep slow',
    ],
    [
      'latency of an operation: only spans of that name are measured',
      latencyPolicy({ thresholdNanos: ms(250), service: 'payment', operation: 'charge' }),
      `
      A .  frontend  |----------|
      B A  payment  refund |-----|
      C A  payment  charge |-|
      `,
      'drop fast',
    ],
    [
      'attribute: an int attribute compared as text',
      attributePolicy({ attributes: { 'http.response.status_code': '503' } }),
      `
      A .  frontend  |------|
      B A  payment     |--|   http.response.status_code=503
      `,
      'keep matched',
    ],
    [
      'attribute: a regular expression, anchored',
      attributePolicy({ attributes: { 'http.response.status_code': '5\\d\\d' }, regex: true }),
      `
      A .  frontend  |------|  http.response.status_code=502
      `,
      'keep matched',
    ],
    [
      'attribute: a regular expression matches whole values only',
      attributePolicy({ attributes: { 'http.route': 'cart' }, regex: true }),
      `
      A .  frontend  |------|  http.route=/cart/:id
      `,
      'drop no_match',
    ],
    [
      'attribute: a resource attribute',
      attributePolicy({ attributes: { 'deployment.environment': 'canary' } }),
      `
      A .  frontend  |------|
      B A  cart        |--|    resource.deployment.environment=canary
      `,
      'keep matched',
    ],
    [
      'attribute: every attribute of the policy on one span, not spread over two',
      attributePolicy({ attributes: { 'user.tier': 'gold', 'http.method': 'POST' } }),
      `
      A .  frontend  |------|  user.tier=gold
      B A  cart        |--|    http.method=POST
      `,
      'drop no_match',
    ],
    [
      'traceql: a failed payment span',
      traceql('{ resource.service.name = "payment" && status = error }'),
      `
      A .  frontend  |------|  !
      B A  payment     |--|    !
      `,
      'keep matched',
    ],
    [
      'traceql: a failed span, but not of payment',
      traceql('{ resource.service.name = "payment" && status = error }'),
      `
      A .  frontend  |------|  !
      B A  payment     |--|
      `,
      'drop no_match',
    ],
    [
      'traceql: a structural query, a database call below the frontend',
      traceql('{ resource.service.name = "frontend" } >> { span.db.system = "postgresql" }'),
      `
      A .  frontend        |--------|
      B A  catalog           |----|
      C B  catalog  SELECT    |--|     db.system=postgresql kind=client
      `,
      'keep matched',
    ],
    [
      'traceql: a trace-level condition (its duration)',
      traceql('{ traceDuration > 500ms }'),
      `
      A .  frontend  |---|
      `,
      'drop no_match',
    ],
    [
      'services: a span of a listed service',
      servicesPolicy({ services: ['payment', 'ledger'] }),
      `
      A .  frontend  |------|
      B A  ledger      |--|
      `,
      'keep matched',
    ],
    [
      'services: none listed',
      servicesPolicy({ services: ['payment', 'ledger'] }),
      `
      A .  frontend  |------|
      B A  cart        |--|
      `,
      'drop no_match',
    ],
  ])('%s', (_, policy, picture, want) => {
    expect(verdict(policy, picture)).toBe(want);
  });

  it('the whole-trace extent runs from the earliest start to the latest end', () => {
    const trace = drawTrace(
      `
      A .  frontend   |--|
      B A  shipping      |-----|
      `,
      { unitMs: 100 },
    );
    expect(traceExtent(trace)).toBe(ms(900));
    expect(traceExtent([])).toBe(0n);
  });
});

describe('rootService', () => {
  it.each<[string, string, string]>([
    [
      'the root span',
      `
      B A  cart     |--|
      A .  frontend |-----|
      `,
      'frontend',
    ],
    [
      'without a root, the earliest span',
      `
      B ?  cart        |--|
      C ?  checkout  |------|
      `,
      'checkout',
    ],
    [
      'a root wins over an earlier orphan',
      `
      B ?  cart      |--|
      A .  frontend   |-----|
      `,
      'frontend',
    ],
  ])('%s', (_, picture, service) => {
    const trace = drawTrace(picture);
    expect(rootService(trace)).toBe(service);
    expect(rootService([...trace].reverse())).toBe(service);
  });
});

describe('rate', () => {
  const FRONTEND = `
    A .  frontend  |--|
  `;
  const CART = `
    A .  cart      |--|
  `;

  it('keeps a burst, then one trace per 1/rate seconds, per root service, on the clock it is given', () => {
    const rate = ratePolicy({ tracesPerSecond: 2, burst: 2, maxServices: 100 });
    // [now ms, trace, kept?]
    const steps: Array<[number, string, boolean]> = [
      [0, FRONTEND, true], // the bucket starts full: 2 tokens
      [0, FRONTEND, true],
      [0, FRONTEND, false], // empty
      [0, CART, true], // cart has a bucket of its own
      [250, FRONTEND, false], // half a token
      [500, FRONTEND, true], // one whole token at 2/s after 500 ms
      [500, FRONTEND, false],
      [5_000, FRONTEND, true], // refilled, but never past the burst
      [5_000, FRONTEND, true],
      [5_000, FRONTEND, false],
    ];
    expect(steps.map(([now, trace]) => verdict(rate, trace, now))).toEqual(steps.map(([, , kept]) => (kept ? 'keep sampled' : 'drop rate_limited')));
  });

  it('forgets the least recently seen service past maxServices, which starts full again', () => {
    const rate = ratePolicy({ tracesPerSecond: 1, burst: 1, maxServices: 1 });
    expect(verdict(rate, FRONTEND)).toBe('keep sampled');
    expect(verdict(rate, FRONTEND)).toBe('drop rate_limited');
    expect(verdict(rate, CART)).toBe('keep sampled'); // frontend's bucket is forgotten
    expect(verdict(rate, FRONTEND)).toBe('keep sampled');
  });
});

describe('and / or', () => {
  const slowPayment = () => andPolicy('slow-payment', [servicesPolicy({ name: 'payment', services: ['payment'] }), latencyPolicy({ name: 'slow', thresholdNanos: ms(250), service: 'payment' })]);
  const SLOW_PAYMENT = `
    A .  frontend  |------|
    B A  payment     |---|
  `;
  const FAST_PAYMENT = `
    A .  frontend  |------|
    B A  payment     |-|
  `;
  const NO_PAYMENT = `
    A .  frontend  |------|
    B A  cart        |---|
  `;
  const FAILED = `
    A .  frontend  |------|  !
  `;

  it.each<[string, () => Policy, string, { keep: boolean; policy: string; reason: string }]>([
    ['and: every policy keeps', slowPayment, SLOW_PAYMENT, { keep: true, policy: 'slow-payment', reason: 'all_matched' }],
    ['and: the first refusal is the answer', slowPayment, FAST_PAYMENT, { keep: false, policy: 'slow', reason: 'fast' }],
    ['and: …and stops there', slowPayment, NO_PAYMENT, { keep: false, policy: 'payment', reason: 'no_match' }],
    ['or: the first that keeps is the answer', () => orPolicy('either', [errorPolicy(), slowPayment()]), SLOW_PAYMENT, { keep: true, policy: 'slow-payment', reason: 'all_matched' }],
    ['or: in order', () => orPolicy('either', [errorPolicy(), slowPayment()]), FAILED, { keep: true, policy: 'error', reason: 'error' }],
    ['or: none keeps, the last refusal is the answer', () => orPolicy('either', [errorPolicy(), slowPayment()]), FAST_PAYMENT, { keep: false, policy: 'slow', reason: 'fast' }],
    [
      'nested: (error or slow payment) and a service',
      () => andPolicy('outer', [orPolicy('inner', [errorPolicy(), slowPayment()]), servicesPolicy({ services: ['frontend'] })]),
      FAILED,
      { keep: true, policy: 'outer', reason: 'all_matched' },
    ],
  ])('%s', (_, policy, picture, want) => {
    expect(policy().decide(drawTrace(picture, { unitMs: 100 }), at(0))).toEqual(want);
  });

  it('a rate limit last in an and spends its tokens only on traces the others agreed on', () => {
    const policy = andPolicy('payments-baseline', [servicesPolicy({ services: ['payment'] }), ratePolicy({ tracesPerSecond: 1, burst: 1, maxServices: 10 })]);
    // Many traces without payment first: they never reach the bucket.
    for (let i = 0; i < 5; i++) expect(verdict(policy, NO_PAYMENT)).toBe('drop no_match');
    expect(verdict(policy, FAST_PAYMENT)).toBe('keep all_matched');
    expect(verdict(policy, FAST_PAYMENT)).toBe('drop rate_limited');
    expect(verdict(policy, FAST_PAYMENT, 1000)).toBe('keep all_matched');
  });
});
