import type { MapNode } from '@clew/api';
import { formatFraction, formatMs, formatRate } from '../format/health.js';
import { EDGE_LABEL, edgePath } from './map-layout.js';
import type { MapLayout, PlacedEdge, PlacedNode } from './map-layout.js';

interface Props {
  layout: MapLayout;
  onNode(node: PlacedNode): void;
  onEdge(edge: PlacedEdge): void;
}

/** An edge failing at least this often is drawn as failing. */
const FAILING = 0.01;

const NODE_WHAT: Record<MapNode['type'], string> = {
  service: 'instrumented service',
  database: 'database',
  messaging: 'messaging system',
  virtual: 'not instrumented, named by its callers',
};

/**
 * The map as SVG: services as boxes, databases as cylinders, queues as pipes, uninstrumented peers dashed; each edge
 * with its call rate, error rate and p95. Nodes and edges are links (focusable, Enter opens them).
 */
export function ServiceMap({ layout, onNode, onEdge }: Props) {
  const maxRate = Math.max(1e-9, ...layout.edges.map((e) => e.rate));
  const key = (e: PlacedEdge) => `${e.client}\u0000${e.server}\u0000${e.connectionType}`;
  const activate = (f: () => void) => ({
    onClick: f,
    onKeyDown: (ev: { key: string; preventDefault(): void }) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        f();
      }
    },
  });
  return (
    <svg className="service-map" style={{ maxWidth: layout.width }} width="100%" viewBox={`0 0 ${layout.width} ${layout.height}`} role="group" aria-label="Service map" data-testid="service-map">
      <defs>
        <marker id="map-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" className="map-arrow" />
        </marker>
        <marker id="map-arrow-error" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" className="map-arrow error" />
        </marker>
      </defs>
      {layout.edges.map((e) => {
        const failing = (e.errorRate ?? 0) >= FAILING;
        const width = 1.2 + 3 * Math.sqrt(e.rate / maxRate);
        const what = `${e.client} → ${e.server}: ${formatRate(e.rate)}, ${formatFraction(e.errorRate)} errors, p95 ${formatMs(e.p95Ms)}. Open its traces.`;
        return (
          <g key={key(e)} className={`map-edge${failing ? ' failing' : ''}${e.connectionType === 'messaging_system' ? ' async' : ''}`} data-edge={`${e.client}->${e.server}`} role="link" tabIndex={0} aria-label={what} {...activate(() => onEdge(e))}>
            <title>{what}</title>
            <path className="map-edge-hit" d={edgePath(e.points)} />
            <path className="map-edge-line" d={edgePath(e.points)} strokeWidth={width} markerEnd={`url(#${failing ? 'map-arrow-error' : 'map-arrow'})`} />
            <g transform={`translate(${e.label.x - EDGE_LABEL.width / 2},${e.label.y - EDGE_LABEL.height / 2})`}>
              <rect className="map-edge-label-bg" width={EDGE_LABEL.width} height={EDGE_LABEL.height} rx={4} />
              <text className="map-edge-label" x={EDGE_LABEL.width / 2} y={13} textAnchor="middle">
                {formatRate(e.rate)} · p95 {formatMs(e.p95Ms)}
              </text>
              <text className={`map-edge-label${(e.errorRate ?? 0) > 0 ? ' error-text' : ' muted-text'}`} x={EDGE_LABEL.width / 2} y={27} textAnchor="middle">
                {formatFraction(e.errorRate)} errors
              </text>
            </g>
          </g>
        );
      })}
      {layout.nodes.map((n) => (
        <g
          key={n.key}
          className={`map-node ${n.type}`}
          data-node={n.id}
          data-type={n.type}
          transform={`translate(${n.x - n.width / 2},${n.y - n.height / 2})`}
          {...(n.type === 'service' ? { role: 'link', tabIndex: 0, 'aria-label': `${n.id}: open its service page`, ...activate(() => onNode(n)) } : { role: 'img', 'aria-label': `${n.id}: ${NODE_WHAT[n.type]}` })}
        >
          <title>{`${n.id} (${NODE_WHAT[n.type]})`}</title>
          <NodeShape type={n.type} width={n.width} height={n.height} />
          <text x={n.width / 2} y={n.height / 2 + 4.5} textAnchor="middle" className="map-node-label">
            {n.id}
          </text>
        </g>
      ))}
    </svg>
  );
}

function NodeShape({ type, width: w, height: h }: { type: MapNode['type']; width: number; height: number }) {
  if (type === 'database') {
    const ry = 6;
    return (
      <>
        <path className="map-shape" d={`M0,${ry} A${w / 2},${ry} 0 0 1 ${w},${ry} V${h - ry} A${w / 2},${ry} 0 0 1 0,${h - ry} Z`} />
        <path className="map-shape-line" d={`M0,${ry} A${w / 2},${ry} 0 0 0 ${w},${ry}`} />
      </>
    );
  }
  if (type === 'messaging') {
    const rx = 8;
    return (
      <>
        <path className="map-shape" d={`M${rx},0 H${w - rx} A${rx},${h / 2} 0 0 1 ${w - rx},${h} H${rx} A${rx},${h / 2} 0 0 1 ${rx},0 Z`} />
        <path className="map-shape-line" d={`M${w - rx},0 A${rx},${h / 2} 0 0 0 ${w - rx},${h}`} />
      </>
    );
  }
  return <rect className="map-shape" width={w} height={h} rx={type === 'service' ? 6 : 14} />;
}
