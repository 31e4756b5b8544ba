import type { AnyValue, Span, UnixNanos } from '@clew/model';
import { dbl, int, SpanKind, str } from '@clew/model';
import { makeSpan, makeTrace } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import type { AggregateType } from './index.js';
import { evaluateTraceQL, parseTraceQL } from './index.js';

const T0 = 1_700_000_000_000_000_000n as UnixNanos;

/*
 * One checkout, 0–100 ms:
 *
 *   GET /checkout     frontend  server    0──────────────────────────────100  http.status_code=200 http.method="GET"
 *   ├─ HTTP POST      frontend  client     5──────────────60                  peer.service="checkout"
 *   │  └─ POST /checkout checkout server    6────────────58  ERROR "failed"   http.status_code=500 retry=true ratio=0.25
 *   │     ├─ SELECT orders checkout client    10───30                         db.system="postgresql" rows=12
 *   │     └─ cache.lookup  checkout internal        31─33                     cache.hit=false
 *   └─ render         frontend  internal                      70────90        template="cart.html" service.name="shadow" tags=["a"]
 */
const TRACE: Span[] = makeTrace(T0, {
  service: 'frontend',
  name: 'GET /checkout',
  at: 0,
  ms: 100,
  kind: SpanKind.SERVER,
  attributes: [
    { key: 'http.status_code', value: int(200) },
    { key: 'http.method', value: str('GET') },
  ],
  children: [
    {
      service: 'frontend',
      name: 'HTTP POST',
      at: 5,
      ms: 55,
      kind: SpanKind.CLIENT,
      attributes: [{ key: 'peer.service', value: str('checkout') }],
      children: [
        {
          service: 'checkout',
          name: 'POST /checkout',
          at: 6,
          ms: 52,
          kind: SpanKind.SERVER,
          error: true,
          attributes: [
            { key: 'http.status_code', value: int(500) },
            { key: 'retry', value: { type: 'bool', value: true } },
            { key: 'ratio', value: dbl(0.25) },
          ],
          children: [
            {
              service: 'checkout',
              name: 'SELECT orders',
              at: 10,
              ms: 20,
              kind: SpanKind.CLIENT,
              attributes: [
                { key: 'db.system', value: str('postgresql') },
                { key: 'rows', value: int(12) },
              ],
            },
            { service: 'checkout', name: 'cache.lookup', at: 31, ms: 2, kind: SpanKind.INTERNAL, attributes: [{ key: 'cache.hit', value: { type: 'bool', value: false } }] },
          ],
        },
      ],
    },
    {
      service: 'frontend',
      name: 'render',
      at: 70,
      ms: 20,
      kind: SpanKind.INTERNAL,
      attributes: [
        { key: 'template', value: str('cart.html') },
        { key: 'service.name', value: str('shadow') },
        { key: 'tags', value: { type: 'array', value: [str('a')] } },
      ],
    },
  ],
});

const GET = 'GET /checkout';
const HTTP = 'HTTP POST';
const POST = 'POST /checkout';
const SELECT = 'SELECT orders';
const CACHE = 'cache.lookup';
const RENDER = 'render';
const ALL = [GET, HTTP, POST, SELECT, CACHE, RENDER];
const except = (...names: string[]): string[] => ALL.filter((n) => !names.includes(n));

function run(query: string, spans: Span[] = TRACE) {
  const parsed = parseTraceQL(query);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return evaluateTraceQL(parsed.query, spans);
}

/** Each query with the spansets it yields, as span names, earliest first. */
const CASES: Array<[query: string, spanSets: string[][]]> = [
  // intrinsics: name (strings, every operator, anchored regexes)
  ['{ name = "render" }', [[RENDER]]],
  ['{ span:name = "render" }', [[RENDER]]],
  ['{ name != "render" }', [except(RENDER)]],
  ['{ name >= "cache.lookup" }', [[CACHE, RENDER]]],
  ['{ name > "cache.lookup" }', [[RENDER]]],
  ['{ name < "HTTP" }', [[GET]]],
  ['{ name <= "HTTP POST" }', [[GET, HTTP]]],
  ['{ name =~ "GET.*" }', [[GET]]],
  ['{ name =~ "GET" }', []],
  ['{ name =~ "checkout" }', []],
  ['{ name =~ "(?i)get /CHECKOUT" }', [[GET]]],
  ['{ name =~ "[[:upper:]]+ /checkout" }', [[GET, POST]]],
  ['{ name !~ ".*checkout" }', [[HTTP, SELECT, CACHE, RENDER]]],
  // status and statusMessage
  ['{ status = error }', [[POST]]],
  ['{ span:status != error }', [except(POST)]],
  ['{ status = unset }', [except(POST)]],
  ['{ status = ok }', []],
  ['{ statusMessage = "failed" }', [[POST]]],
  ['{ span:statusMessage != "" }', [[POST]]],
  // kind
  ['{ kind = server }', [[GET, POST]]],
  ['{ span:kind = client }', [[HTTP, SELECT]]],
  ['{ kind = internal }', [[CACHE, RENDER]]],
  ['{ kind != internal }', [[GET, HTTP, POST, SELECT]]],
  ['{ kind = producer || kind = consumer || kind = unspecified }', []],
  // `&&` and `||` share one precedence, left to right: (render || GET) && server is GET alone.
  ['{ name = "render" || name = "GET /checkout" && kind = server }', [[GET]]],
  ['{ name = "render" || (name = "GET /checkout" && kind = server) }', [[GET, RENDER]]],
  ['{ name = "render" } || { name = "GET /checkout" } && { kind = client }', [[GET, HTTP, SELECT, RENDER]]],
  ['{ name = "nothing" } && { name = "render" } || { kind = client }', [[HTTP, SELECT]]],
  ['{ name = "nothing" } && ({ name = "render" } || { kind = client })', []],
  // duration, every operator, with ns/us/ms units
  ['{ duration = 20ms }', [[SELECT, RENDER]]],
  ['{ span:duration != 20ms }', [[GET, HTTP, POST, CACHE]]],
  ['{ duration > 52ms }', [[GET, HTTP]]],
  ['{ duration >= 52ms }', [[GET, HTTP, POST]]],
  ['{ duration < 20ms }', [[CACHE]]],
  ['{ duration <= 20000us }', [[SELECT, CACHE, RENDER]]],
  ['{ duration = 2000000ns }', [[CACHE]]],
  ['{ duration > 0.1s }', []],
  ['{ 50ms < duration }', [[GET, HTTP, POST]]],
  ['{ duration / 2 > 40ms }', [[GET]]],
  // trace-level intrinsics
  ['{ rootName = "GET /checkout" && kind = client }', [[HTTP, SELECT]]],
  ['{ trace:rootName != "GET /checkout" }', []],
  ['{ rootServiceName = "frontend" && name = "render" }', [[RENDER]]],
  ['{ trace:rootService = "checkout" }', []],
  ['{ traceDuration = 100ms && status = error }', [[POST]]],
  ['{ trace:duration > 100ms }', []],
  // the tree: child counts and Tempo's nested set numbers (GET 1–12, HTTP 2–9, POST 3–8, SELECT 4–5, cache 6–7, render 10–11)
  ['{ childCount = 2 }', [[GET, POST]]],
  ['{ span:childCount = 0 }', [[SELECT, CACHE, RENDER]]],
  ['{ nestedSetParent = -1 }', [[GET]]],
  ['{ nestedSetParent = 3 }', [[SELECT, CACHE]]],
  ['{ nestedSetLeft = 4 && nestedSetRight = 5 }', [[SELECT]]],
  ['{ nestedSetLeft = 10 && nestedSetRight = 11 }', [[RENDER]]],
  ['{ nestedSetLeft = 1 && nestedSetRight = 12 }', [[GET]]],
  ['{ nestedSetRight - nestedSetLeft = 1 }', [[SELECT, CACHE, RENDER]]],
  // int attributes against ints and floats
  ['{ span.http.status_code = 500 }', [[POST]]],
  ['{ span.http.status_code = 500.0 }', [[POST]]],
  ['{ span.http.status_code != 500 }', [[GET]]],
  ['{ span.http.status_code > 200 }', [[POST]]],
  ['{ span.http.status_code >= 200 }', [[GET, POST]]],
  ['{ span.http.status_code < 500 }', [[GET]]],
  ['{ span.http.status_code <= 500 }', [[GET, POST]]],
  ['{ span.http.status_code < 200.5 }', [[GET]]],
  ['{ span.http.status_code = "500" }', []],
  ['{ span.http.status_code =~ "5.*" }', []],
  // float attributes
  ['{ span.ratio = 0.25 }', [[POST]]],
  ['{ span.ratio != 0.5 }', [[POST]]],
  ['{ span.ratio > 0.2 && span.ratio < 1 }', [[POST]]],
  ['{ span.ratio >= 0.25 && span.ratio <= 0.25 }', [[POST]]],
  // bool attributes
  ['{ span.retry = true }', [[POST]]],
  ['{ span.retry != false }', [[POST]]],
  ['{ span.cache.hit = false }', [[CACHE]]],
  ['{ span.cache.hit }', []],
  ['{ span.retry }', [[POST]]],
  ['{ span.retry = 1 }', []],
  // string attributes
  ['{ span.db.system = "postgresql" }', [[SELECT]]],
  ['{ span.db.system != "redis" }', [[SELECT]]],
  ['{ span.db.system =~ "post.*" }', [[SELECT]]],
  ['{ span.db.system !~ "post.*" }', []],
  ['{ span.db.system !~ "my.*" }', [[SELECT]]],
  ['{ span.template > "a" && span.template < "d" }', [[RENDER]]],
  ['{ span."template" = "cart.html" }', [[RENDER]]],
  // missing attributes and nil
  ['{ span.nope = 1 }', []],
  ['{ span.nope != 1 }', []],
  ['{ span.nope = nil }', [ALL]],
  ['{ span.http.status_code != nil }', [[GET, POST]]],
  ['{ span.http.status_code = nil }', [[HTTP, SELECT, CACHE, RENDER]]],
  ['{ span.tags != nil }', [[RENDER]]],
  ['{ span.tags = "a" }', []],
  // resource and unscoped attributes
  ['{ resource.service.name = "checkout" }', [[POST, SELECT, CACHE]]],
  ['{ span.service.name = "checkout" }', []],
  ['{ .service.name = "checkout" }', [[POST, SELECT, CACHE]]],
  ['{ .service.name = "shadow" }', [[RENDER]]],
  ['{ resource.service.name = "shadow" }', []],
  ['{ .db.system = "postgresql" }', [[SELECT]]],
  // arithmetic
  ['{ span.rows * 2 = 24 }', [[SELECT]]],
  ['{ span.rows + 1 > 12 && span.rows - 1 < 12 }', [[SELECT]]],
  ['{ span.rows % 5 = 2 && span.rows ^ 2 = 144 }', [[SELECT]]],
  ['{ -span.rows = -12 }', [[SELECT]]],
  // && || ! within a filter
  ['{ kind = server && status = error }', [[POST]]],
  ['{ name = "render" || span.db.system = "postgresql" }', [[SELECT, RENDER]]],
  ['{ !(kind = server) }', [[HTTP, SELECT, CACHE, RENDER]]],
  ['{ !span.retry }', []],
  ['{}', [ALL]],
  ['{ true }', [ALL]],
  ['{ false }', []],
  // && and || between spansets
  ['{ name = "render" } && { span.db.system = "postgresql" }', [[SELECT, RENDER]]],
  ['{ name = "render" } && { name = "nope" }', []],
  ['{ name = "render" } || { name = "nope" }', [[RENDER]]],
  ['{ name = "render" } || { kind = server }', [[GET, POST, RENDER]]],
  // structural operators
  ['{ resource.service.name = "frontend" } > { kind = server }', [[POST]]],
  ['{ name = "GET /checkout" } > { } > { }', [[POST]]],
  ['{ name = "GET /checkout" } >> { resource.service.name = "checkout" }', [[POST, SELECT, CACHE]]],
  ['{ kind = client } >> { kind = client }', [[SELECT]]],
  ['{ name = "render" } >> { }', []],
  ['{ name = "SELECT orders" } < { }', [[POST]]],
  ['{ name = "SELECT orders" } << { }', [[GET, HTTP, POST]]],
  ['{ name = "SELECT orders" } ~ { }', [[CACHE]]],
  ['{ } ~ { }', [[HTTP, SELECT, CACHE, RENDER]]],
  ['{ name = "GET /checkout" } ~ { }', []],
  ['{ resource.service.name = "frontend" } !> { }', [[GET, SELECT, CACHE]]],
  ['{ name = "HTTP POST" } !>> { }', [[GET, HTTP, RENDER]]],
  ['{ kind = client } !< { }', [[HTTP, SELECT, CACHE, RENDER]]],
  ['{ name = "cache.lookup" } !<< { }', [[SELECT, CACHE, RENDER]]],
  ['{ name = "render" } !~ { }', [[GET, POST, SELECT, CACHE, RENDER]]],
  ['{ name = "HTTP POST" } &> { kind = server }', [[HTTP, POST]]],
  ['{ name = "GET /checkout" } &>> { span.db.system = "postgresql" }', [[GET, SELECT]]],
  ['{ name = "SELECT orders" } &< { kind = server }', [[POST, SELECT]]],
  ['{ name = "cache.lookup" } &<< { kind = server }', [[GET, POST, CACHE]]],
  ['{ name = "render" } &~ { kind = client }', [[HTTP, RENDER]]],
  ['{ name = "nope" } &> { }', []],
  ['({ name = "render" } || { name = "HTTP POST" }) > { }', [[POST]]],
  // pipelines
  ['{ kind = server } | { status = error }', [[POST]]],
  ['{ resource.service.name = "checkout" } | count() = 3', [[POST, SELECT, CACHE]]],
  ['{ resource.service.name = "checkout" } | count() > 3', []],
  ['{ } | by(resource.service.name)', [[GET, HTTP, RENDER], [POST, SELECT, CACHE]]],
  ['{ kind != internal } | by(resource.service.name) | count() = 2', [[GET, HTTP], [POST, SELECT]]],
  ['{ } | by(kind) | count() = 1', []],
  ['{ } | by(kind) | coalesce()', [ALL]],
  ['{ } | by(span.http.status_code)', [[GET], [HTTP, SELECT, CACHE, RENDER], [POST]]],
  ['({ kind = client } | count() = 2) && { name = "render" }', [[HTTP, SELECT, RENDER]]],
  ['({ kind = client } | count() = 3) && { name = "render" }', []],
  ['{ name = "render" } | select(span.template)', [[RENDER]]],
];

describe('evaluateTraceQL on a hand-drawn trace', () => {
  it.each(CASES)('%s', (query, expected) => {
    const sets = run(query);
    expect(sets.map((s) => s.spans.map((m) => m.span.name))).toEqual(expected);
    for (const s of sets) expect(s.matched).toBe(s.spans.length);
  });
});

/** Each aggregate with the value and static type it computes over the spanset, or null where the comparison drops it. */
const AGGREGATES: Array<[query: string, name: string, value: number | null, type?: AggregateType]> = [
  ['{ resource.service.name = "checkout" } | count() = 3', 'count()', 3, 'int'],
  ['{ } | count() >= 6', 'count()', 6, 'int'],
  ['{ } | count() < 6', 'count()', null],
  ['{ } | avg(duration) > 40ms', 'avg(duration)', 41_500_000, 'duration'],
  ['{ } | avg(duration) > 42ms', 'avg(duration)', null],
  ['{ kind = server } | max(span.http.status_code) = 500', 'max(span.http.status_code)', 500, 'int'],
  ['{ kind = server } | min(span.http.status_code) = 200', 'min(span.http.status_code)', 200, 'int'],
  ['{ kind = server } | sum(span.http.status_code) = 700', 'sum(span.http.status_code)', 700, 'int'],
  ['{ kind = server } | sum(span.http.status_code) != 700', 'sum(span.http.status_code)', null],
  ['{ } | sum(span.rows) < 13', 'sum(span.rows)', 12, 'int'],
  ['{ } | max(duration) <= 100ms', 'max(duration)', 100_000_000, 'duration'],
  ['{ } | min(duration) = 2ms', 'min(duration)', 2_000_000, 'duration'],
  ['{ } | avg(span.nope) > 0', 'avg(span.nope)', null],
  ['{ } | count() / 2 = 3', 'count()', 6, 'int'],
  ['{ } | avg(span.rows) > 1', 'avg(span.rows)', 12, 'float'],
  ['{ } | max(span.ratio) > 0', 'max(span.ratio)', 0.25, 'float'],
  ['{ } | sum(span.ratio) > 0', 'sum(span.ratio)', 0.25, 'float'],
  ['{ } | avg(traceDuration) = 100ms', 'avg(traceDuration)', 100_000_000, 'duration'],
  ['{ } | max(childCount) = 2', 'max(childCount)', 2, 'int'],
];

describe('aggregates', () => {
  it.each(AGGREGATES)('%s', (query, name, value, type) => {
    const sets = run(query);
    if (value === null) {
      expect(sets).toEqual([]);
      return;
    }
    expect(sets).toHaveLength(1);
    expect(sets[0]!.aggregates).toEqual([{ name, value, type }]);
  });

  it('keeps the aggregates of every pipeline stage', () => {
    const [set] = run('{ } | count() > 1 | avg(duration) > 1ms');
    expect(set!.aggregates).toEqual([
      { name: 'count()', value: 6, type: 'int' },
      { name: 'avg(duration)', value: 41_500_000, type: 'duration' },
    ]);
  });
});

/** Each query with the by() values of each spanset it yields, in order; a spanset without by() has none. */
const BY_GROUPS: Array<[query: string, groups: Array<Array<{ key: string; value: AnyValue }> | undefined>]> = [
  ['{ name = "render" }', [undefined]],
  ['{ } | by(resource.service.name)', [[{ key: 'by(resource.service.name)', value: str('frontend') }], [{ key: 'by(resource.service.name)', value: str('checkout') }]]],
  ['{ kind = server } | by(span.http.status_code) | count() = 1', [[{ key: 'by(span.http.status_code)', value: int(200) }], [{ key: 'by(span.http.status_code)', value: int(500) }]]],
  ['{ kind = client } | by(kind)', [[{ key: 'by(kind)', value: str('client') }]]],
  ['{ name = "POST /checkout" } | by(span.retry)', [[{ key: 'by(span.retry)', value: { type: 'bool', value: true } }]]],
  ['{ name = "POST /checkout" } | by(span.ratio)', [[{ key: 'by(span.ratio)', value: dbl(0.25) }]]],
  // a missing value is a group of its own, shown without a value
  ['{ kind = server } | by(span.retry)', [[], [{ key: 'by(span.retry)', value: { type: 'bool', value: true } }]]],
  [
    '{ kind = client } | by(resource.service.name) | by(.db.system)',
    [[{ key: 'by(resource.service.name)', value: str('frontend') }], [{ key: 'by(resource.service.name)', value: str('checkout') }, { key: 'by(.db.system)', value: str('postgresql') }]],
  ],
  ['{ } | by(kind) | coalesce()', [undefined]],
];

describe('by() groups', () => {
  it.each(BY_GROUPS)('%s', (query, groups) => {
    expect(run(query).map((s) => s.by)).toEqual(groups);
  });
});

describe('attributes returned with each span', () => {
  it('shows childCount and the nested set numbers named in select() as ints, under their own names', () => {
    const [set] = run('{ name = "POST /checkout" } | select(childCount, nestedSetLeft, nestedSetRight, nestedSetParent)');
    expect(set!.spans.map((m) => m.attributes)).toEqual([
      [
        { key: 'childCount', value: int(2) },
        { key: 'nestedSetLeft', value: int(3) },
        { key: 'nestedSetRight', value: int(8) },
        { key: 'nestedSetParent', value: int(2) },
      ],
    ]);
  });

  it('leaves out trace-level intrinsics named in select(), as Tempo does (the trace carries them)', () => {
    const [set] = run('{ name = "render" } | select(traceDuration, rootName, rootServiceName, trace:id, span:id, status)');
    expect(set!.spans.map((m) => m.attributes)).toEqual([[{ key: 'status', value: str('unset') }]]);
  });


  it('lists what the conditions and select() name, with their values', () => {
    const [set] = run('{ span.http.status_code = 500 } | select(resource.service.name, kind, span.nope, duration)');
    expect(set!.spans.map((m) => m.attributes)).toEqual([
      [
        { key: 'http.status_code', value: int(500) },
        { key: 'service.name', value: str('checkout') },
        { key: 'kind', value: str('server') },
      ],
    ]);
  });

  it('shows status, the unscoped attribute as found, and by() fields', () => {
    const sets = run('{ status = error || .service.name = "shadow" } | by(resource.service.name)');
    expect(sets.map((s) => s.spans.map((m) => [m.span.name, m.attributes]))).toEqual([
      [[POST, [{ key: 'status', value: str('error') }, { key: 'service.name', value: str('checkout') }]]],
      [[RENDER, [{ key: 'status', value: str('unset') }, { key: 'service.name', value: str('shadow') }]]],
    ]);
  });
});

describe('trace shapes', () => {
  it('matches span and trace ids', () => {
    const select = TRACE.find((s) => s.name === SELECT)!;
    expect(run(`{ span:id = "${select.spanId}" }`).map((s) => s.spans.map((m) => m.span.name))).toEqual([[SELECT]]);
    expect(run(`{ trace:id = "${select.traceId}" && kind = server }`).map((s) => s.spans.map((m) => m.span.name))).toEqual([[GET, POST]]);
    expect(run(`{ span:parentID = "${select.parentSpanId}" }`).map((s) => s.spans.map((m) => m.span.name))).toEqual([[SELECT, CACHE]]);
  });

  it('yields nothing for a trace without spans', () => {
    expect(run('{ }', [])).toEqual([]);
  });

  it('reads a trace whose root is missing: no root intrinsics, the rest of the tree still joins', () => {
    const orphans = TRACE.filter((s) => s.name !== GET);
    expect(run('{ rootName != nil }', orphans)).toEqual([]);
    expect(run('{ resource.service.name = "frontend" } >> { span.db.system = "postgresql" }', orphans).map((s) => s.spans.map((m) => m.span.name))).toEqual([[SELECT]]);
  });

  it('ends on spans whose parents form a cycle', () => {
    const a = makeSpan({ name: 'a', spanId: '00000000000000a1' as Span['spanId'], parentSpanId: '00000000000000a2' as Span['spanId'] });
    const b = makeSpan({ traceId: a.traceId, name: 'b', spanId: '00000000000000a2' as Span['spanId'], parentSpanId: '00000000000000a1' as Span['spanId'] });
    expect(run('{ name = "a" } >> { }', [a, b])).toEqual([]);
    expect(run('{ name = "a" } > { }', [a, b]).map((s) => s.spans.map((m) => m.span.name))).toEqual([['b']]);
  });
});

describe('a large trace', () => {
  it('evaluates structural operators over 200,000 spans under one parent', () => {
    // Span ids spelled out: makeSpanId's are unique only for a few thousand spans.
    const spanId = (k: number): Span['spanId'] => (k + 1).toString(16).padStart(16, '0') as Span['spanId'];
    const root = makeSpan({ name: 'root', spanId: spanId(200_000) });
    const children = Array.from({ length: 200_000 }, (_, k) =>
      makeSpan({
        traceId: root.traceId,
        spanId: spanId(k),
        parentSpanId: root.spanId,
        name: k % 2 ? 'odd' : 'even',
        startTimeUnixNano: (root.startTimeUnixNano + BigInt(k)) as UnixNanos,
      }),
    );
    const [set] = run('{ name = "root" } > { name = "odd" }', [root, ...children]);
    expect(set!.matched).toBe(100_000);
    const [siblings] = run('{ name = "even" } ~ { name = "odd" }', [root, ...children]);
    expect(siblings!.matched).toBe(100_000);
  });
});
