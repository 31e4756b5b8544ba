import type { RedFigures, ServiceHealth } from '@clew/api';
import { Link } from 'react-router';
import { ChangeBadge } from '../components/change-badge.js';
import { Sparkline } from '../components/sparkline.js';
import { formatFraction, formatMs, formatRate } from '../format/health.js';
import type { Polarity } from '../format/health.js';
import type { ServiceColumn, SortDir } from './services-sort.js';

interface Column {
  id: ServiceColumn;
  title: string;
  figure: (f: RedFigures) => number | null;
  format: (v: number | null) => string;
  polarity: Polarity;
  /** The series drawn beside the figure, when it has one. */
  spark?: { label: string; tone?: 'error' };
}

const COLUMNS: Column[] = [
  { id: 'rate', title: 'Requests', figure: (f) => f.rate, format: formatRate, polarity: 'neutral', spark: { label: 'request rate' } },
  { id: 'errorRate', title: 'Errors', figure: (f) => f.errorRate, format: formatFraction, polarity: 'higher-is-worse', spark: { label: 'error rate', tone: 'error' } },
  { id: 'p50', title: 'p50', figure: (f) => f.p50Ms, format: formatMs, polarity: 'higher-is-worse' },
  { id: 'p95', title: 'p95', figure: (f) => f.p95Ms, format: formatMs, polarity: 'higher-is-worse', spark: { label: 'p95 latency' } },
  { id: 'p99', title: 'p99', figure: (f) => f.p99Ms, format: formatMs, polarity: 'higher-is-worse' },
];

interface Props {
  rows: readonly ServiceHealth[];
  sort: { column: ServiceColumn; dir: SortDir };
  onSort(column: ServiceColumn): void;
  /** The query string a service's link carries (window, kind, refresh). */
  carry: string;
}

/** One row a service: each figure over the window, its move against the previous window, and a sparkline. */
export function ServicesTable({ rows, sort, onSort, carry }: Props) {
  const header = (id: ServiceColumn, title: string, className?: string) => {
    const active = sort.column === id;
    return (
      <th className={className} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button type="button" className="sort-header" onClick={() => onSort(id)} title={`Sort by ${title.toLowerCase()}`}>
          {title}
          <span className="sort-arrow">{active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
        </button>
      </th>
    );
  };
  return (
    <table className="health-table services-table">
      <thead>
        <tr>
          {header('service', 'Service')}
          {COLUMNS.map((c) => header(c.id, c.title, 'num'))}
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => (
          <tr key={s.service} data-service={s.service}>
            <td className="service-name">
              <Link to={`/services/${encodeURIComponent(s.service)}${carry}`}>{s.service}</Link>
            </td>
            {COLUMNS.map((c) => {
              const value = c.figure(s.figures);
              return (
                <td key={c.id} className="num figure-cell" data-column={c.id}>
                  <div className="figure-line">
                    {c.spark && <Sparkline values={s.series.map((p) => c.figure(p))} label={`${s.service} ${c.spark.label} over the window`} tone={c.spark.tone} />}
                    <span className="figure" data-testid="figure">
                      {c.format(value)}
                    </span>
                  </div>
                  <ChangeBadge current={value} previous={s.previous ? c.figure(s.previous) : undefined} polarity={c.polarity} format={c.format} />
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
