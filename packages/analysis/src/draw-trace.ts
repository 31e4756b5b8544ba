import type { TimedSpan } from './timed-span.js';

/**
 * Spans from an ASCII timeline, so a test's data is the picture of its case (as Jaeger UI's critical-path tests
 * draw theirs, but here the drawing is the data itself). One span a line: `id [parent] [service] |----|`, where the
 * first `|` is the start and the last the end (one column = 1 ns; a lone `|` is a zero-length span), `.` is "no
 * parent", and a trailing `!` marks an error. Times start at 0 at the leftmost bar.
 * @example drawTrace(`
 *   A .   |--------|
 *   B A     |--|
 * `) // A 0–9, B 2–5 child of A
 */
export function drawTrace(picture: string): TimedSpan[] {
  const lines = picture.split('\n').filter((l) => l.includes('|'));
  const origin = Math.min(...lines.map((l) => l.indexOf('|')));
  return lines.map((line) => {
    const first = line.indexOf('|');
    const [id, parent = '.', service = 'svc'] = line.slice(0, first).trim().split(/\s+/);
    return {
      spanId: id!,
      parentSpanId: parent === '.' ? null : parent,
      start: first - origin,
      end: line.lastIndexOf('|') - origin,
      service,
      name: id!,
      error: line.trimEnd().endsWith('!'),
    };
  });
}
