import type { CriticalSection } from '@clew/api';
import { formatNanos } from '../format/duration.js';
import { serviceColor } from '../format/service-colors.js';

/** Consecutive sections of the same node read as one step: the path through a parent around a child is one stay. */
function steps(sections: readonly CriticalSection[]): { node: number; service: string; name: string; ns: number; start: number }[] {
  const out: { node: number; service: string; name: string; ns: number; start: number }[] = [];
  for (const s of sections) {
    const last = out.at(-1);
    if (last && last.node === s.node && last.name === s.name) last.ns += s.endNanos - s.startNanos;
    else out.push({ node: s.node, service: s.service, name: s.name, ns: s.endNanos - s.startNanos, start: s.startNanos });
  }
  return out;
}

function PathColumn({ label, sections, duration }: { label: string; sections: readonly CriticalSection[]; duration: number }) {
  return (
    <div className="critical-column" data-testid={`critical-path-${label.toLowerCase()}`}>
      <h3>Critical path {label}</h3>
      <ol>
        {steps(sections).map((s, i) => (
          <li key={i} data-node={s.node}>
            <span className="crit-bar" style={{ width: `${Math.max(1, (100 * s.ns) / Math.max(1, duration))}%`, background: serviceColor(s.service) }} />
            <span className="crit-label">
              <strong>{s.service}</strong> {s.name}
            </span>
            <span className="num muted">{formatNanos(s.ns)}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Both traces' critical paths side by side, in time order, each stretch as wide as its share of its trace. */
export function CriticalPaths({ a, b, durationA, durationB }: { a: readonly CriticalSection[]; b: readonly CriticalSection[]; durationA: number; durationB: number }) {
  return (
    <div className="critical-paths">
      <PathColumn label="A" sections={a} duration={durationA} />
      <PathColumn label="B" sections={b} duration={durationB} />
    </div>
  );
}
