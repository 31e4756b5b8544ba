import type { MapEdge, MapNode } from '@clew/api';
import dagre from '@dagrejs/dagre';

/**
 * A node's key in the layout: a database or queue may have the name of a service (the demo's catalog service keeps
 * its reviews in a database named `catalog`), and is still another node.
 */
const nodeKey = (id: string, type: MapNode['type']): string => (type === 'service' ? id : `${type}:${id}`);

/** The node an edge's end names: of the type its connection says when there is one, else whichever has the name. */
function endKey(id: string, wanted: MapNode['type'], types: ReadonlyMap<string, MapNode['type'][]>): string {
  const have = types.get(id) ?? [];
  // A database the node list does not name as one (the edge says it is) is still not the service of that name.
  if (wanted === 'database') return nodeKey(id, wanted);
  return nodeKey(id, have.includes(wanted) ? wanted : (have[0] ?? 'virtual'));
}

export interface PlacedNode extends MapNode {
  key: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge extends MapEdge {
  points: { x: number; y: number }[];
  label: { x: number; y: number };
}

export interface MapLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

const NODE_HEIGHT = 40;
export const EDGE_LABEL = { width: 136, height: 32 };
/** Roughly the width of the 13px system font's characters, for sizing boxes before anything is drawn. */
const charWidth = 7.4;

/**
 * Lays the map out left to right with dagre (callers on the left, what they call on the right), reserving room for
 * each edge's label at its middle. Nodes and edges are fed in sorted order so the same map always lays out the same.
 */
export function layoutMap(nodes: readonly MapNode[], edges: readonly MapEdge[]): MapLayout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 70, edgesep: 16, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const size = (id: string) => ({ width: Math.max(90, id.length * charWidth + 36), height: NODE_HEIGHT });
  const byKey = new Map<string, MapNode>();
  const types = new Map<string, MapNode['type'][]>();
  for (const n of [...nodes].sort((a, b) => a.id.localeCompare(b.id) || a.type.localeCompare(b.type))) {
    const key = nodeKey(n.id, n.type);
    if (byKey.has(key)) continue;
    byKey.set(key, n);
    types.set(n.id, [...(types.get(n.id) ?? []), n.type]);
    g.setNode(key, size(n.id));
  }
  const sortedEdges = [...edges].sort((a, b) => a.client.localeCompare(b.client) || a.server.localeCompare(b.server) || a.connectionType.localeCompare(b.connectionType));
  const ends = sortedEdges.map((e) => {
    const server = endKey(e.server, e.connectionType === 'database' ? 'database' : e.connectionType === 'virtual_node' ? 'virtual' : 'service', types);
    const client = endKey(e.client, e.connectionType === 'virtual_node' && !types.get(e.client)?.includes('service') ? 'virtual' : 'service', types);
    return { client, server };
  });
  sortedEdges.forEach((e, i) => {
    const { client, server } = ends[i]!;
    // An edge can name a node the node list lacks (a race between the two reads): draw it as a virtual one.
    for (const [key, id] of [[client, e.client], [server, e.server]] as const) {
      if (!g.hasNode(key)) {
        g.setNode(key, size(id));
        byKey.set(key, { id, type: key.startsWith('database:') ? 'database' : 'virtual' });
      }
    }
    g.setEdge(client, server, { ...EDGE_LABEL, labelpos: 'c' }, `e${i}`);
  });
  dagre.layout(g);
  const placedNodes = g.nodes().map((key): PlacedNode => {
    const n = g.node(key);
    const node = byKey.get(key)!;
    return { key, id: node.id, type: node.type, x: n.x, y: n.y, width: n.width, height: n.height };
  });
  const placedEdges = sortedEdges.map((e, i): PlacedEdge => {
    const l = g.edge(ends[i]!.client, ends[i]!.server, `e${i}`);
    return { ...e, points: l.points ?? [], label: { x: l.x ?? 0, y: l.y ?? 0 } };
  });
  const graph = g.graph();
  return { nodes: placedNodes, edges: placedEdges, width: graph.width ?? 0, height: graph.height ?? 0 };
}

/** A smooth SVG path through the points dagre gives an edge (Catmull-Rom turned into cubic Béziers). */
export function edgePath(points: readonly { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  const p = points;
  let d = `M${p[0]!.x.toFixed(1)},${p[0]!.y.toFixed(1)}`;
  for (let i = 0; i < p.length - 1; i++) {
    const p0 = p[Math.max(0, i - 1)]!;
    const p1 = p[i]!;
    const p2 = p[i + 1]!;
    const p3 = p[Math.min(p.length - 1, i + 2)]!;
    const c1 = { x: p1.x + (p2.x - p0.x) / 6, y: p1.y + (p2.y - p0.y) / 6 };
    const c2 = { x: p2.x - (p3.x - p1.x) / 6, y: p2.y - (p3.y - p1.y) / 6 };
    d += ` C${c1.x.toFixed(1)},${c1.y.toFixed(1)} ${c2.x.toFixed(1)},${c2.y.toFixed(1)} ${p2.x.toFixed(1)},${p2.y.toFixed(1)}`;
  }
  return d;
}
