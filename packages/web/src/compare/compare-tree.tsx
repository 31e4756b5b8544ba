import type { ComparisonNode } from '@clew/api';
import { serviceColor } from '../format/service-colors.js';
import { DiffCell, TimeCell } from './diff-cells.js';

const PRESENCE_MARK = { both: '', onlyA: 'only in A', onlyB: 'only in B' } as const;

/**
 * The aligned tree, one row a node, indented by depth: span counts in A and B, self and total time in each, and the
 * differences (B − A) coloured. A node found in one trace only is marked so.
 */
export function CompareTree({ nodes }: { nodes: readonly ComparisonNode[] }) {
  return (
    <table className="compare-tree" data-testid="compare-tree">
      <thead>
        <tr>
          <th rowSpan={2}>Service and operation</th>
          <th colSpan={3} className="group">Spans</th>
          <th colSpan={3} className="group">Self time</th>
          <th colSpan={3} className="group">Total time</th>
        </tr>
        <tr>
          {['count', 'self', 'total'].map((k) => [
            <th key={`${k}a`} className="num">A</th>,
            <th key={`${k}b`} className="num">B</th>,
            <th key={`${k}d`} className="num">B − A</th>,
          ])}
        </tr>
      </thead>
      <tbody>
        {nodes.map((n) => (
          <tr key={n.id} className={`presence-${n.presence}`} data-node={n.id} data-presence={n.presence} data-name={n.name}>
            <td className="node-name" style={{ paddingLeft: `${8 + 16 * n.depth}px` }}>
              <span className="swatch" style={{ background: serviceColor(n.service) }} />
              <strong>{n.service}</strong> {n.name}
              {n.presence !== 'both' && <span className={`presence-mark ${n.presence}`}>{PRESENCE_MARK[n.presence]}</span>}
            </td>
            <td className="num count-a">{n.a.count}</td>
            <td className="num count-b">{n.b.count}</td>
            <DiffCell a={n.a.count} b={n.b.count} time={false} />
            <TimeCell ns={n.a.selfNanos} count={n.a.count} />
            <TimeCell ns={n.b.selfNanos} count={n.b.count} />
            <DiffCell a={n.a.selfNanos} b={n.b.selfNanos} time />
            <TimeCell ns={n.a.totalNanos} count={n.a.count} />
            <TimeCell ns={n.b.totalNanos} count={n.b.count} />
            <DiffCell a={n.a.totalNanos} b={n.b.totalNanos} time />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
