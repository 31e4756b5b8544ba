import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { useTheme } from '../app/theme.js';

export interface ChartSeries {
  label: string;
  values: readonly (number | null)[];
  color: string;
  /** Filled below the line (a single series that is a quantity, as a rate). */
  fill?: boolean;
}

interface Props {
  /** What the chart shows, for its heading and screen readers. */
  title: string;
  /** Start of each step, epoch ms. */
  xsMs: readonly number[];
  series: readonly ChartSeries[];
  formatY(v: number): string;
  /** Called with the index of the step nearest a click; the chart's cursor says it can be clicked. */
  onPick?(index: number): void;
  /** The y axis reaches at least this high (so a flat zero error rate is drawn against 1%, not against 100%). */
  minYMax?: number;
  /** The y axis's range for the data's [min, max], when zero-based does not suit (an SLI near 100%). */
  yRange?: (min: number, max: number) => [number, number];
  height?: number;
  testId?: string;
}

/** From zero (or below, for negative data) to a little above the highest value, and at least to `minYMax`. */
function zeroBased(min: number, max: number, minYMax: number): [number, number] {
  const upper = max > 0 ? max * 1.1 : minYMax > 0 ? minYMax : 1;
  return [Math.min(0, min * 1.1), Math.max(upper, minYMax)];
}

/** A line chart over time, themed, sized to its box, with a legend that reads the values under the cursor. */
export function TimeChart({ title, xsMs, series, formatY, onPick, minYMax = 0, yRange, height = 180, testId }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const { theme } = useTheme();
  // Bound once per plot; read through refs so that a new handler does not rebuild the chart.
  const pick = useRef(onPick);
  pick.current = onPick;
  const fmt = useRef(formatY);
  fmt.current = formatY;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = theme === 'dark' ? '#9aa3b2' : '#5b6270';
    const grid = theme === 'dark' ? '#2f343e' : '#e6e8ec';
    const few = xsMs.length <= 60;
    const data: uPlot.AlignedData = [xsMs.map((t) => t / 1000), ...series.map((s) => s.values.map((v) => v))];
    const plot = new uPlot(
      {
        width: Math.max(el.clientWidth, 200),
        height,
        legend: { show: true, live: true },
        cursor: { drag: { x: false, y: false }, points: { size: 7 } },
        scales: { x: { time: true }, y: { range: (_u, min, max) => (yRange ? yRange(min, max) : zeroBased(min, max, minYMax)) } },
        axes: [
          { stroke: axis, grid: { stroke: grid }, ticks: { stroke: grid } },
          { stroke: axis, grid: { stroke: grid }, ticks: { stroke: grid }, values: (_u, ticks) => ticks.map((t) => fmt.current(t)), size: 64 },
        ],
        series: [
          {},
          ...series.map(
            (s): uPlot.Series => ({
              label: s.label,
              stroke: s.color,
              width: 1.5,
              ...(s.fill && { fill: `${s.color}33` }),
              spanGaps: false,
              points: { show: few, size: 4, fill: s.color },
              value: (_u, v) => (v == null ? '—' : fmt.current(v)),
            }),
          ),
        ],
      },
      data,
      el,
    );
    const onClick = () => {
      const i = plot.cursor.idx;
      if (i !== null && i !== undefined && pick.current) pick.current(i);
    };
    plot.over.addEventListener('click', onClick);
    if (pick.current) plot.over.style.cursor = 'pointer';
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(el.clientWidth, 200), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [xsMs, series, theme, height, minYMax, yRange]);

  return (
    <figure className="time-chart">
      <figcaption>{title}</figcaption>
      <div ref={box} aria-label={title} data-testid={testId} />
    </figure>
  );
}
