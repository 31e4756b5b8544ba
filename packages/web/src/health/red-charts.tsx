import type { RedPoint } from '@clew/api';
import { useMemo } from 'react';
import { TimeChart } from '../components/time-chart.js';
import type { ChartSeries } from '../components/time-chart.js';
import { formatFraction, formatMs, formatRate } from '../format/health.js';

interface Props {
  series: readonly RedPoint[];
  /** Called with the start of the step clicked, epoch ms. */
  onPickStep(t: number): void;
  /** Says what the charts cover: "checkout" or "checkout / POST /orders". */
  subject: string;
}

export const LATENCY_COLORS = { p50: '#4e79a7', p95: '#f28e2b', p99: '#d6336c' } as const;

/** Latency percentiles, request rate and error rate over the window, one chart each; a click picks its step. */
export function RedCharts({ series, onPickStep, subject }: Props) {
  const xs = useMemo(() => series.map((p) => p.t), [series]);
  const latency = useMemo<ChartSeries[]>(
    () => [
      { label: 'p50', values: series.map((p) => p.p50Ms), color: LATENCY_COLORS.p50 },
      { label: 'p95', values: series.map((p) => p.p95Ms), color: LATENCY_COLORS.p95 },
      { label: 'p99', values: series.map((p) => p.p99Ms), color: LATENCY_COLORS.p99 },
    ],
    [series],
  );
  const rate = useMemo<ChartSeries[]>(() => [{ label: 'requests', values: series.map((p) => p.rate), color: '#4e79a7', fill: true }], [series]);
  const errors = useMemo<ChartSeries[]>(() => [{ label: 'error rate', values: series.map((p) => (p.count > 0 ? p.errorRate : null)), color: '#d12d2d', fill: true }], [series]);
  const pick = (i: number) => {
    const t = xs[i];
    if (t !== undefined) onPickStep(t);
  };
  return (
    <div className="red-charts" aria-label={`${subject} over time`}>
      <TimeChart title="Latency" xsMs={xs} series={latency} formatY={(v) => formatMs(v)} onPick={pick} testId="chart-latency" />
      <TimeChart title="Requests" xsMs={xs} series={rate} formatY={(v) => formatRate(v)} onPick={pick} testId="chart-rate" />
      <TimeChart title="Error rate" xsMs={xs} series={errors} formatY={(v) => formatFraction(v)} onPick={pick} testId="chart-errors" minYMax={0.01} />
    </div>
  );
}
