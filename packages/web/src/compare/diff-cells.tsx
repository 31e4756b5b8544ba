import { formatNanos } from '../format/duration.js';

/** A signed difference B − A, red when B is slower (or has more), green when faster (or fewer), muted when equal. */
export function DiffCell({ a, b, time }: { a: number; b: number; time: boolean }) {
  const d = b - a;
  // Under 1 µs (or no change in count) reads as no change: clocks and rounding make tiny differences noise.
  const same = time ? Math.abs(d) < 1_000 : d === 0;
  const tone = same ? 'same' : d > 0 ? 'slower' : 'faster';
  const text = same ? '=' : `${d > 0 ? '+' : '−'}${time ? formatNanos(Math.abs(d)) : Math.abs(d)}`;
  return <td className={`num diff-${tone}`} data-diff={tone}>{text}</td>;
}

/** A time in A or B, blank where the node is absent from that trace. */
export function TimeCell({ ns, count }: { ns: number; count: number }) {
  return <td className="num">{count === 0 ? <span className="muted">–</span> : formatNanos(ns)}</td>;
}
