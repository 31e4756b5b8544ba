import type { TraceView } from './trace-view.js';

/** A span's events as the outline carries them: name and time in ns from the trace start. */
export function spanEvents(view: TraceView, span: number): { name: string; time: number }[] {
  const o = view.outline;
  const out = [];
  for (let k = view.eventFirst[span]!; k < view.eventFirst[span + 1]!; k++) out.push({ name: o.names[o.eventName[k]!]!, time: o.eventTime[k]! });
  return out;
}
