import type { CriticalPathOperationRow } from '@clew/api';
import { formatNanos } from '../format/duration.js';
import { formatFraction } from '../format/health.js';
import { serviceColor } from '../format/service-colors.js';

/** Operations by their share of the merged critical-path time, largest first, as the server orders them. */
export function CriticalPathTable({ operations, traces }: { operations: readonly CriticalPathOperationRow[]; traces: number }) {
  return (
    <table className="health-table critical-path-table" data-testid="critical-path-table">
      <thead>
        <tr>
          <th>Operation</th>
          <th className="impact-col" title="Share of all the traces' critical-path time spent in this operation">
            Share of critical path
          </th>
          <th className="num" title="Time on the critical path, summed over the traces">Total</th>
          <th className="num" title="Time on the critical path per trace it is on">Mean</th>
          <th className="num" title="Traces with this operation on their critical path">Traces</th>
        </tr>
      </thead>
      <tbody>
        {operations.map((o) => (
          <tr key={`${o.service}\u0000${o.name}`} data-operation={o.name} data-service={o.service}>
            <td className="operation-name">
              <span className="service-dot" style={{ background: serviceColor(o.service) }} /> <span className="muted">{o.service}</span> {o.name}
            </td>
            <td className="impact-col">
              <div className="impact">
                <div className="bar-track">
                  <div className="impact-bar" style={{ width: `${Math.max(0, Math.min(1, o.share)) * 100}%` }} />
                </div>
                <span>{formatFraction(o.share)}</span>
              </div>
            </td>
            <td className="num">{formatNanos(o.totalNs)}</td>
            <td className="num">{formatNanos(o.meanNs)}</td>
            <td className="num">
              {o.traces.toLocaleString('en')} of {traces.toLocaleString('en')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
