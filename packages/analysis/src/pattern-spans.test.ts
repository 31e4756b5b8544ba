import { SpanKind, str, unixNanos } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { normalizeStatement, patternSpansFromModel } from './pattern-spans.js';
import { tracePatterns } from './trace-patterns.js';

describe('normalizeStatement', () => {
  it.each([
    ['SELECT * FROM products WHERE id = 14', 'SELECT * FROM products WHERE id = ?'],
    ["SELECT * FROM users WHERE name = 'O''Brien' AND age > 3.5", 'SELECT * FROM users WHERE name = ? AND age > ?'],
    ['SELECT t1.c2 FROM t1 LIMIT $1', 'SELECT t1.c2 FROM t1 LIMIT $1'],
    ['/products/:id', '/products/:id'],
  ])('%s', (text, expected) => expect(normalizeStatement(text)).toBe(expected));
});

describe('patternSpansFromModel', () => {
  it('gives each span its kind and statement, so a loop of queries over ids is one N+1', () => {
    const query = (id: number, at: number) => ({
      service: 'catalog',
      name: 'SELECT products',
      at,
      ms: 1,
      kind: SpanKind.CLIENT,
      attributes: [{ key: 'db.query.text', value: str(`SELECT * FROM products WHERE id = ${id}`) }],
    });
    const spans = makeTrace(unixNanos(1_700_000_000_000_000_000n), {
      service: 'catalog',
      name: 'GET /products',
      at: 0,
      ms: 20,
      kind: SpanKind.SERVER,
      children: [3, 14, 27, 58, 91].map((id, k) => query(id, 1 + 2 * k)),
    });
    const pattern = patternSpansFromModel(spans);
    expect(pattern[0]!.kind).toBe('server');
    expect(pattern[1]).toMatchObject({ kind: 'client', detail: 'SELECT * FROM products WHERE id = ?' });
    expect(tracePatterns(pattern).nPlusOne[0]).toMatchObject({ name: 'SELECT products', count: 5, totalNs: 5_000_000 });
  });
});
