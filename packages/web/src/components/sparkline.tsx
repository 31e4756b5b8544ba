interface Props {
  values: readonly (number | null)[];
  /** What the line shows, for screen readers and the tooltip. */
  label: string;
  tone?: 'default' | 'error';
  width?: number;
  height?: number;
}

/**
 * A tiny line of a series, scaled from zero to its highest value, broken where a value is missing. SVG rather than
 * a canvas chart: a Services page draws a few hundred of them.
 */
export function Sparkline({ values, label, tone = 'default', width = 84, height = 22 }: Props) {
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  const n = values.length;
  const x = (i: number) => (n <= 1 ? width / 2 : (i / (n - 1)) * (width - 2) + 1);
  const y = (v: number) => height - 1.5 - (max > 0 ? (v / max) * (height - 3) : 0);
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)}`;
    pen = true;
  });
  return (
    <svg className={`sparkline ${tone}`} width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <title>{label}</title>
      <line className="sparkline-base" x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} />
      <path d={d} />
    </svg>
  );
}
