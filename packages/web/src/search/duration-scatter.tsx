import { useEffect, useMemo, useRef } from 'react';
import { useNavigate } from 'react-router';
import uPlot from 'uplot';
import { useTheme } from '../app/theme.js';
import { formatNanos } from '../format/duration.js';
import { zoneName } from '../format/time.js';
import { timeLabel } from './heatmap-axes.js';
import { scatterColumns, timeRange } from './scatter-data.js';
import type { ScatterPoint } from './scatter-data.js';

const HEIGHT = 160;
const HIT_RADIUS_PX = 12;

interface Props {
  points: readonly ScatterPoint[];
  /** The search's window (epoch ms; an end may be open): the time axis spans it, as the heatmap's does. */
  timeWindow: readonly [number | undefined, number | undefined];
  /** What the dots are: "every match" (of `total`, maybe a sample) or just the page of results. */
  of: { kind: 'matches'; total: number; sampled: boolean } | { kind: 'page' };
}

/**
 * Duration over start time, one dot a trace (red when it has errors); clicking a dot opens the trace. The caption
 * says which traces are plotted (all matches, a sample of them, or the page) and the zone of the time axis.
 */
export function DurationScatter({ points, timeWindow, of }: Props) {
  const [from, to] = timeWindow;
  const box = useRef<HTMLDivElement>(null);
  const { theme } = useTheme();
  const navigate = useNavigate();
  const { ids, data } = useMemo(() => scatterColumns(points), [points]);
  // The click handler is bound once per plot; it reads the current ids through a ref.
  const idsRef = useRef(ids);
  idsRef.current = ids;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = theme === 'dark' ? '#9aa3b2' : '#5b6270';
    const grid = theme === 'dark' ? '#2f343e' : '#e6e8ec';
    const size = data[0].length > 500 ? 5 : 7;
    const dots = (fill: string): uPlot.Series => ({ stroke: fill, fill, paths: () => null, points: { show: true, size, fill, stroke: fill } });
    const plot = new uPlot(
      {
        width: el.clientWidth,
        height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { show: false } },
        scales: { x: { time: true, range: (_u, min, max) => timeRange(from, to, min, max) }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          // One line per tick: uPlot's default second line (the date) collides with its neighbours at half width.
          { stroke: axis, grid: { stroke: grid }, space: 70, values: (_u, ticks) => ticks.map((t) => timeLabel(t * 1000, ((ticks[1] ?? t + 60) - (ticks[0] ?? t)) * 1000)) },
          { stroke: axis, grid: { stroke: grid }, values: (_u, ticks) => ticks.map((t) => formatNanos(t * 1e6)), size: 60 },
        ],
        series: [{}, { label: 'ok', ...dots('#4e79a7') }, { label: 'error', ...dots('#d12d2d') }],
      },
      data,
      el,
    );
    const onClick = () => {
      const i = nearestPoint(plot);
      const id = i === undefined ? undefined : idsRef.current[i];
      if (id) navigate(`/trace/${id}`);
    };
    plot.over.addEventListener('click', onClick);
    plot.over.style.cursor = 'pointer';
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
    // Rebuilt when the data or theme changes: the server sends at most SEARCH_MAX_POINTS (2,000) points.
  }, [data, theme, navigate, from, to]);

  return (
    <figure className="scatter-figure">
      <figcaption className="muted" data-testid="scatter-caption">
        {caption(points.length, of)} · duration over start time ({zoneName(Date.now())})
      </figcaption>
      <div className="scatter" ref={box} aria-label="Trace durations over time" data-testid="scatter" />
    </figure>
  );
}

function caption(shown: number, of: Props['of']): string {
  const n = (v: number) => v.toLocaleString('en');
  if (of.kind === 'page') return `The ${n(shown)} traces of this page`;
  if (of.sampled) return `Showing ${n(shown)} of ${n(of.total)} matching traces, a uniform sample`;
  return `All ${n(of.total)} matching traces`;
}

/** Index of the dot nearest the cursor within a few pixels, in either series. */
function nearestPoint(u: uPlot): number | undefined {
  const { left, top } = u.cursor;
  if (left === undefined || top === undefined || left < 0) return undefined;
  let best: number | undefined;
  let bestD = HIT_RADIUS_PX * HIT_RADIUS_PX;
  const xs = u.data[0];
  for (let i = 0; i < xs.length; i++) {
    for (const s of [1, 2]) {
      const y = u.data[s]![i];
      if (y == null) continue;
      const dx = u.valToPos(xs[i]!, 'x') - left;
      const dy = u.valToPos(y, 'y') - top;
      if (dx * dx + dy * dy < bestD) {
        bestD = dx * dx + dy * dy;
        best = i;
      }
    }
  }
  return best;
}
