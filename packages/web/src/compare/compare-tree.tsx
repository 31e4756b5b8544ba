import type { ComparisonNode } from '@clew/api';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState } from 'react';
import { serviceColor } from '../format/service-colors.js';
import { DiffCell, TimeCell } from './diff-cells.js';

const PRESENCE_MARK = { both: '', onlyA: 'only in A', onlyB: 'only in B' } as const;
/** Past this many rows only those near the viewport are drawn: 6,000 rows took over a second to draw at once. */
const VIRTUAL_FROM = 400;
const ROW_HEIGHT = 29;

/**
 * The aligned tree, one row a node, indented by depth: span counts in A and B, self and total time in each, and the
 * differences (B − A) coloured. A node found in one trace only is marked so.
 */
export function CompareTree({ nodes }: { nodes: readonly ComparisonNode[] }) {
  const big = nodes.length > VIRTUAL_FROM;
  const body = useRef<HTMLTableSectionElement>(null);
  const [offset, setOffset] = useState(0);
  useLayoutEffect(() => {
    if (body.current) setOffset(body.current.getBoundingClientRect().top + window.scrollY);
  }, []);
  const virtual = useWindowVirtualizer({ count: nodes.length, estimateSize: () => ROW_HEIGHT, overscan: 30, scrollMargin: offset, enabled: big });
  const items = big ? virtual.getVirtualItems() : undefined;
  const shown = items ? items.map((i) => nodes[i.index]!) : nodes;
  const before = items && items.length > 0 ? items[0]!.start - offset : 0;
  const after = items && items.length > 0 ? virtual.getTotalSize() - (items[items.length - 1]!.end - offset) : 0;
  return (
    <table className="compare-tree" data-testid="compare-tree" data-nodes={nodes.length}>
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
      <tbody ref={body}>
        {before > 0 && <tr style={{ height: before }} aria-hidden />}
        {shown.map((n) => (
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
        {after > 0 && <tr style={{ height: after }} aria-hidden />}
      </tbody>
    </table>
  );
}
