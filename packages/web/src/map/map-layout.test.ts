import type { MapEdge, MapNode } from '@clew/api';
import { describe, expect, it } from 'vitest';
import { edgePath, layoutMap } from './map-layout.js';

const edge = (client: string, server: string, connectionType: MapEdge['connectionType'] = ''): MapEdge => ({ client, server, connectionType, count: 1, rate: 1, failed: 0, errorRate: 0, p95Ms: 1 });

describe('laying out the service map', () => {
  const nodes: MapNode[] = [
    { id: 'frontend', type: 'service' },
    { id: 'catalog', type: 'service' },
    { id: 'duckdb', type: 'database' },
  ];
  const edges = [edge('frontend', 'catalog'), edge('catalog', 'duckdb', 'database')];

  it('puts callers left of what they call, every node placed once, every edge routed', () => {
    const l = layoutMap(nodes, edges);
    const x = Object.fromEntries(l.nodes.map((n) => [n.id, n.x]));
    expect(x.frontend!).toBeLessThan(x.catalog!);
    expect(x.catalog!).toBeLessThan(x.duckdb!);
    expect(l.edges.every((e) => e.points.length >= 2)).toBe(true);
    expect(l.width).toBeGreaterThan(0);
  });

  it('lays the same map out the same whatever the order it came in, and draws a node an edge names but the list lacks', () => {
    const a = layoutMap(nodes, edges);
    const b = layoutMap([...nodes].reverse(), [...edges].reverse());
    expect(b).toEqual(a);
    const extra = layoutMap(nodes, [...edges, edge('catalog', 'cache', 'virtual_node')]);
    expect(extra.nodes.find((n) => n.id === 'cache')?.type).toBe('virtual');
  });

  it('keeps a database named like a service apart from the service', () => {
    const l = layoutMap([...nodes, { id: 'catalog', type: 'database' }], [...edges, edge('catalog', 'catalog', 'database')]);
    expect(l.nodes.map((n) => n.key).sort()).toEqual(['catalog', 'database:catalog', 'database:duckdb', 'frontend']);
    const x = Object.fromEntries(l.nodes.map((n) => [n.key, n.x]));
    expect(x.catalog!).toBeLessThan(x['database:catalog']!);
    // Also when the node list names only the service.
    const unlisted = layoutMap(nodes, [...edges, edge('catalog', 'catalog', 'database')]);
    expect(unlisted.nodes.find((n) => n.key === 'database:catalog')?.type).toBe('database');
  });

  it('draws a path through the points', () => {
    expect(edgePath([{ x: 0, y: 0 }, { x: 10, y: 0 }])).toBe('M0.0,0.0 C1.7,0.0 8.3,0.0 10.0,0.0');
  });
});
