import type { SloDetailResponse } from '@clew/api';
import { useCallback, useMemo } from 'react';
import { TimeChart } from '../components/time-chart.js';
import type { ChartSeries } from '../components/time-chart.js';
import { formatFraction } from '../format/health.js';
import { formatSli } from './slo-text.js';

/** The SLI of each step against the target, and the budget left through each step (the burn-down). */
export function SloCharts({ detail }: { detail: SloDetailResponse }) {
  const { series, slo } = detail;
  const target = slo.definition.target;
  const xs = useMemo(() => series.map((p) => p.t), [series]);
  const sli = useMemo<ChartSeries[]>(
    () => [
      { label: 'SLI', values: series.map((p) => p.sli), color: '#4e79a7' },
      { label: 'target', values: series.map(() => target), color: '#868e96' },
    ],
    [series, target],
  );
  const budget = useMemo<ChartSeries[]>(() => [{ label: 'budget left', values: series.map((p) => p.budgetRemaining), color: '#2f9e44', fill: true }], [series]);
  return (
    <div className="slo-charts">
      <SliChart xs={xs} series={sli} target={target} />
      <TimeChart title="Error budget left" xsMs={xs} series={budget} formatY={(v) => formatFraction(v)} minYMax={1} testId="chart-budget" />
    </div>
  );
}

function SliChart({ xs, series, target }: { xs: readonly number[]; series: readonly ChartSeries[]; target: number }) {
  // From a little under the lowest point (and the target) to 100%: an SLI lives in the last few percent.
  const yRange = useCallback((min: number): [number, number] => {
    const low = Math.min(min, target);
    return [Math.max(0, 1 - (1 - low) * 1.3), 1];
  }, [target]);
  return <TimeChart title={`SLI per step (target ${formatSli(target)})`} xsMs={xs} series={series} formatY={(v) => formatSli(v)} yRange={yRange} testId="chart-sli" />;
}
