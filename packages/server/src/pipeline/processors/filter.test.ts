import type { TraceId } from '@clew/model';
import { int, SpanKind, str } from '@clew/model';
import { makeResource, makeSpan } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import type { SpanRule } from './filter.js';
import { compileRule, filterProcessor } from './filter.js';

const health = makeSpan({ name: 'GET /health', kind: SpanKind.SERVER, resource: makeResource('cart', [{ key: 'k8s.ns', value: str('shop') }]), attributes: [{ key: 'http.response.status_code', value: int(200) }] });

describe('compileRule', () => {
  it.each<[string, SpanRule, boolean]>([
    ['name', { name: 'GET /health' }, true],
    ['another name', { name: 'GET /' }, false],
    ['service and kind', { service: 'cart', kind: 'server' }, true],
    ['wrong kind', { service: 'cart', kind: 'client' }, false],
    ['int attribute as text', { attributes: { 'http.response.status_code': '200' } }, true],
    ['resource attribute', { attributes: { 'k8s.ns': 'shop' } }, true],
    ['every condition must hold', { name: 'GET /health', service: 'payment' }, false],
    ['regex, anchored', { name: 'GET /(health|ready)', regex: true }, true],
    ['regex does not match a part', { name: 'health', regex: true }, false],
    ['plain text is not a regex', { name: 'GET /.*' }, false],
  ])('%s', (_, rule, want) => {
    expect(compileRule(rule)(health)).toBe(want);
  });
});

describe('filterProcessor', () => {
  const t1 = 'c0000000000000000000000000000001' as TraceId;
  const t2 = 'c0000000000000000000000000000002' as TraceId;

  it('drops matching spans only', () => {
    const keep = makeSpan({ traceId: t1, name: 'GET /cart' });
    const out = filterProcessor({ drop: 'spans', rules: [{ name: 'GET /health' }] }).process([keep, { ...health, traceId: t1 }]);
    expect([out.spans, out.dropped, out.dropReason]).toEqual([[keep], 1, 'filtered']);
  });

  it('drops whole traces, including their spans in later batches', () => {
    const p = filterProcessor({ drop: 'traces', rules: [{ name: 'GET /health' }] });
    const child = makeSpan({ traceId: t1, name: 'SELECT 1' });
    const other = makeSpan({ traceId: t2, name: 'GET /cart' });
    const first = p.process([child, { ...health, traceId: t1 }, other]);
    expect(first.spans).toEqual([other]);
    expect(first.dropped).toBe(2);
    const late = makeSpan({ traceId: t1, name: 'late child' });
    expect(p.process([late, other]).spans).toEqual([other]);
  });

  it('gives back the same batch when nothing matches', () => {
    const spans = [makeSpan({ name: 'GET /cart' })];
    expect(filterProcessor({ drop: 'spans', rules: [{ name: 'GET /health' }] }).process(spans).spans).toBe(spans);
  });
});
