import type { OperationStats } from '@clew/analysis';
import { operationStats } from '@clew/analysis';
import { useMemo, useState } from 'react';
import { formatNanos } from '../../format/duration.js';
import { serviceColor } from '../../format/service-colors.js';
import type { TraceView } from '../trace-view.js';

type Column = { key: keyof OperationStats; label: string; time?: boolean };
const COLUMNS: readonly Column[] = [
  { key: 'service', label: 'Service' },
  { key: 'name', label: 'Operation' },
  { key: 'count', label: 'Count' },
  { key: 'errorCount', label: 'Errors' },
  { key: 'totalDuration', label: 'Total', time: true },
  { key: 'selfTime', label: 'Self time', time: true },
  { key: 'avgDuration', label: 'Avg', time: true },
  { key: 'minDuration', label: 'Min', time: true },
  { key: 'maxDuration', label: 'Max', time: true },
];

/** Per service and operation: how many spans, their total and self time; click a heading to sort by it. */
export function StatsTable({ view }: { view: TraceView }) {
  const stats = useMemo(() => operationStats(view.timed, view.selfTime), [view]);
  const [sort, setSort] = useState<{ key: keyof OperationStats; desc: boolean }>({ key: 'selfTime', desc: true });
  const rows = useMemo(() => {
    const dir = sort.desc ? -1 : 1;
    return [...stats].sort((a, b) => (a[sort.key] < b[sort.key] ? -dir : a[sort.key] > b[sort.key] ? dir : 0));
  }, [stats, sort]);

  return (
    <div className="stats" data-testid="stats">
      <table className="stats-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                className={c.key === 'service' || c.key === 'name' ? undefined : 'num'}
                aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : undefined}
                onClick={() => setSort((s) => ({ key: c.key, desc: s.key === c.key ? !s.desc : true }))}
              >
                {c.label} {sort.key === c.key ? (sort.desc ? '▾' : '▴') : ''}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.service}\u0000${r.name}`}>
              <td>
                <span className="swatch" style={{ background: serviceColor(r.service) }} />
                {r.service}
              </td>
              <td>{r.name}</td>
              {COLUMNS.slice(2).map((c) => (
                <td key={c.key} className="num">
                  {c.time ? formatNanos(r[c.key] as number) : String(r[c.key])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
