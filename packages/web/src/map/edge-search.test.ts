import type { MapNode } from '@clew/api';
import { describe, expect, it } from 'vitest';
import { edgeSearchUrl, edgeTraceQL } from './edge-search.js';

const types = new Map<string, MapNode['type']>([
  ['frontend', 'service'],
  ['cart', 'service'],
  ['checkout', 'service'],
  ['shipping', 'service'],
  ['duckdb', 'database'],
  ['user', 'virtual'],
  ['pay.example', 'virtual'],
]);

describe('searching the traces across a map edge', () => {
  it.each([
    ['a client/server pair', { client: 'frontend', server: 'cart', connectionType: '' as const }, '{ resource.service.name = "frontend" && kind = client } > { resource.service.name = "cart" && kind = server }'],
    ['a queue', { client: 'checkout', server: 'shipping', connectionType: 'messaging_system' as const }, '{ resource.service.name = "checkout" && kind = producer } > { resource.service.name = "shipping" && kind = consumer }'],
    ['calls from outside', { client: 'user', server: 'frontend', connectionType: 'virtual_node' as const }, '{ resource.service.name = "frontend" && kind = server && nestedSetParent = -1 }'],
  ])('%s', (_, edge, q) => expect(edgeTraceQL(edge, types)).toBe(q));

  it('a database: the client span that names it', () => {
    const q = edgeTraceQL({ client: 'cart', server: 'duckdb', connectionType: 'database' }, types);
    expect(q).toMatch(/^\{ resource\.service\.name = "cart" && kind = client && \(span\.peer\.service = "duckdb" \|\| .*span\.db\.system = "duckdb".*\) \}$/);
  });

  it('quotes names and carries a window longer than the default', () => {
    const url = new URL(edgeSearchUrl({ client: 'we"ird', server: 'cart', connectionType: '' }, types, 6 * 3600e3), 'http://x');
    expect(url.pathname).toBe('/search');
    expect(url.searchParams.get('mode')).toBe('traceql');
    expect(url.searchParams.get('q')).toContain('"we\\"ird"');
    expect(url.searchParams.get('lookback')).toBe('6h');
  });
});
