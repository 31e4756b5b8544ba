// A script that does one piece of work and ends on its own: its spans must be flushed on the way out.
import { withSpan } from '@clew/node';

const ids = await withSpan('nightly-report', async (span) => {
  span.setAttribute('report.rows', 3);
  return { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
});
console.log(JSON.stringify({ done: ids }));
