import { SpanKind } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { parseTraceQL } from './index.js';
import type { SpanCondition } from './pushdown.js';
import { candidateConditions } from './pushdown.js';

const MS = 1_000_000n;

function conditions(query: string): SpanCondition[] {
  const parsed = parseTraceQL(query);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return candidateConditions(parsed.query);
}

/** Each query with the one-span conditions handed to Store.findTraces, one per spanset filter that must match. */
const CASES: Array<[query: string, conditions: SpanCondition[]]> = [
  ['{ resource.service.name = "frontend" }', [{ service: 'frontend' }]],
  ['{ name = "GET /" && kind = server }', [{ operation: 'GET /', spanKind: SpanKind.SERVER }]],
  ['{ span:name = "GET /" && span:kind = client }', [{ operation: 'GET /', spanKind: SpanKind.CLIENT }]],
  ['{ status = error }', [{ attributes: [['error', 'true']] }]],
  ['{ duration > 5ms }', [{ minDuration: 5n * MS + 1n }]],
  ['{ duration >= 5ms && duration < 1s }', [{ minDuration: 5n * MS, maxDuration: 1000n * MS - 1n }]],
  ['{ duration <= 5ms && duration > 1ms && duration < 3ms }', [{ minDuration: MS + 1n, maxDuration: 3n * MS - 1n }]],
  ['{ duration = 2ms }', [{ minDuration: 2n * MS, maxDuration: 2n * MS }]],
  ['{ 5ms < duration }', [{ minDuration: 5n * MS + 1n }]],
  ['{ span.db.system = "redis" && .peer = "db" && resource.region = "eu" }', [{ attributes: [['db.system', 'redis'], ['peer', 'db'], ['region', 'eu']] }]],
  ['{ span.http.status_code = 500 && span.cached = true }', [{ attributes: [['http.status_code', '500'], ['cached', 'true']] }]],
  ['{ .service.name = "cart" }', [{ attributes: [['service.name', 'cart']] }]],
  // not pushed down: the evaluator decides
  ['{ }', []],
  ['{ span.ratio = 0.5 }', []],
  ['{ span.x = "" }', []],
  ['{ span.error = true }', []],
  ['{ status != error }', []],
  ['{ status = ok }', []],
  ['{ name != "x" }', []],
  ['{ name =~ "GET.*" }', []],
  ['{ span.http.status_code > 499 }', []],
  ['{ name = "a" || name = "b" }', []],
  ['{ !(name = "a") }', []],
  ['{ rootServiceName = "a" && traceDuration > 1s }', []],
  ['{ name = "a" } || { name = "b" }', []],
  // a filter's pushable conditions only, the rest left to the evaluator
  ['{ name = "a" && span.n > 3 && (kind = server || kind = client) }', [{ operation: 'a' }]],
  // every filter that must match offers its condition
  ['{ name = "a" } && { name = "b" }', [{ operation: 'a' }, { operation: 'b' }]],
  ['{ resource.service.name = "f" } >> { span.db.system = "pg" && duration > 5ms }', [{ service: 'f' }, { attributes: [['db.system', 'pg']], minDuration: 5n * MS + 1n }]],
  ...(['>', '<', '<<', '~', '&>', '&>>', '&<', '&<<', '&~'] as const).map((op): [string, SpanCondition[]] => [`{ name = "a" } ${op} { name = "b" }`, [{ operation: 'a' }, { operation: 'b' }]]),
  ...(['!>', '!>>', '!<', '!<<', '!~'] as const).map((op): [string, SpanCondition[]] => [`{ name = "a" } ${op} { name = "b" }`, [{ operation: 'b' }]]),
  ['({ name = "a" } || { name = "b" }) > { name = "c" }', [{ operation: 'c' }]],
  ['{ name = "a" } | { kind = server } | count() > 2', [{ operation: 'a' }, { spanKind: SpanKind.SERVER }]],
  ['({ name = "a" } | count() > 1) && { name = "b" }', [{ operation: 'a' }, { operation: 'b' }]],
  ['{ } | select(span.x) | by(span.y)', []],
];

describe('candidateConditions', () => {
  it.each(CASES)('%s', (query, expected) => {
    expect(conditions(query)).toEqual(expected);
  });
});
