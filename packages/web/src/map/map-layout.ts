import type { MapEdge, MapNode } from '@clew/api';
import dagre from '@dagrejs/dagre';

export interface PlacedNode extends MapNode {
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
  const sortedNodes = [...nodes].sort((a, b) => a.id.localeCompare(b.id));
  for (const n of sortedNodes) g.setNode(n.id, { width: Math.max(90, n.id.length * charWidth + 36), height: NODE_HEIGHT });
  const sortedEdges = [...edges].sort((a, b) => a.client.localeCompare(b.client) || a.server.localeCompare(b.server) || a.connectionType.localeCompare(b.connectionType));
  sortedEdges.forEach((e, i) => {
    // An edge can name a node the node list lacks (a race between the two reads): draw it as a virtual one.
    for (const id of [e.client, e.server]) if (!g.hasNode(id)) g.setNode(id, { width: Math.max(90, id.length * charWidth + 36), height: NODE_HEIGHT });
    g.setEdge(e.client, e.server, { ...EDGE_LABEL, labelpos: 'c' }, `e${i}`);
  });
  dagre.layout(g);
  const types = new Map(nodes.map((n) => [n.id, n.type]));
  const placedNodes = g.nodes().map((id): PlacedNode => {
    const n = g.node(id);
    return { id, type: types.get(id) ?? 'virtual', x: n.x, y: n.y, width: n.width, height: n.height };
  });
  const placedEdges = sortedEdges.map((e, i): PlacedEdge => {
    const l = g.edge(e.client, e.server, `e${i}`);
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
