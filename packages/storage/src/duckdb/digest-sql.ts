import { StatusCode } from '@clew/model';
import { utinyint } from './sql.js';

/** The columns digestSql expects of each span, after the partition's index `part`. */
export const DIGEST_COLUMNS = 'trace_id, span_id, parent_id, start_ns, duration_ns, name, kind, res_id, status_code';

/**
 * Per (trace, partition, resource) of the spans `spans` yields (DIGEST_COLUMNS after `part`): span, error and orphan
 * counts, earliest start, latest end, and the group's best root candidate — rank 0 for a span without a parent, 1
 * for an orphan (its parent is not in the trace), 2 for any other, the earliest start winning within a rank. The
 * caller merges the groups of a trace (services are per resource, and a service may have several resources).
 * Aggregated in SQL so that a 50,000-span trace sends a handful of rows, not its spans. A span stored more than once
 * (the same span id, kind and start: see withoutRepeats) is counted once, as its first partition holds it.
 */
export function digestSql(spans: string): string {
  return `WITH s AS (SELECT * FROM (${spans}) QUALIFY row_number() OVER (PARTITION BY trace_id, span_id, kind, start_ns ORDER BY part) = 1),
    k AS (SELECT s.*, CASE WHEN s.parent_id IS NULL THEN 0 WHEN p.span_id IS NULL THEN 1 ELSE 2 END AS rnk
      FROM s LEFT JOIN (SELECT DISTINCT trace_id, span_id FROM s) p ON p.trace_id = s.trace_id AND p.span_id = s.parent_id)
    SELECT trace_id, part, res_id, count(*) AS n,
      count(*) FILTER (WHERE status_code = ${utinyint(StatusCode.ERROR)}) AS errors,
      count(*) FILTER (WHERE rnk = 1) AS orphans,
      min(start_ns) AS first_start,
      max(start_ns::HUGEINT + duration_ns) AS last_end,
      min(rnk) AS root_rank,
      arg_min(start_ns, (rnk, start_ns, span_id)) AS root_start,
      arg_min(span_id, (rnk, start_ns, span_id)) AS root_span,
      arg_min(name, (rnk, start_ns, span_id)) AS root_name
    FROM k GROUP BY trace_id, part, res_id`;
}
