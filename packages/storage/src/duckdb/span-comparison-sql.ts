import { StatusCode } from '@clew/model';
import { HEATMAP_BUCKETS_PER_DOUBLING } from '../span-comparison.js';
import type { SpanSelection } from '../span-comparison.js';
import { bigint, ubigint, utinyint } from './sql.js';

/*
 * SQL over the union of matching spans (matchingSpansSql with SPAN_FIELDS or SPAN_FIELDS_WITH_BODY): the latency
 * heatmap and the counts a comparison ranks. Body separators are span-codec's and value-codec's: an attribute
 * entry is ENTRY key KEY_END text TYPE_END …, events start at EVENT, the rare fields at REST; all of them are
 * escaped inside keys and values, so splitting on them is exact.
 */
const KEY_END = 'chr(31)';
const EVENT = 'chr(26)';
const REST = 'chr(28)';

/** What the counts need of each matching span, without its body. */
export const SPAN_FIELDS = 'span_id, start_ns, duration_ns, status_code, res_id, name, kind';
export const SPAN_FIELDS_WITH_BODY = `${SPAN_FIELDS}, attrs`;

/** A boolean SQL expression true for the selected spans; FALSE for an empty selection. */
export function selectionSql(sel: SpanSelection): string {
  const conds: string[] = [];
  if (sel.minDuration !== undefined) conds.push(`greatest(duration_ns, 0) >= ${bigint(sel.minDuration)}`);
  if (sel.maxDuration !== undefined) conds.push(`greatest(duration_ns, 0) <= ${bigint(sel.maxDuration)}`);
  if (sel.start !== undefined) conds.push(`start_ns >= ${ubigint(sel.start)}`);
  if (sel.end !== undefined) conds.push(`start_ns <= ${ubigint(sel.end)}`);
  if (sel.errors === true) conds.push(`status_code = ${utinyint(StatusCode.ERROR)}`);
  return conds.length === 0 ? 'FALSE' : `(${conds.join(' AND ')})`;
}

/** Cells `t, d, n, errors` of the heatmap of the matching spans, time buckets of `step` ns from `start`. */
export function heatmapSql(union: string, start: bigint, step: bigint): string {
  return `SELECT ((start_ns - ${ubigint(start)}) // ${ubigint(step)})::BIGINT AS t,
      floor(log2(greatest(duration_ns, 1)) * ${HEATMAP_BUCKETS_PER_DOUBLING})::INTEGER AS d,
      count(*) AS n, count(*) FILTER (WHERE status_code = ${utinyint(StatusCode.ERROR)}) AS errors
    FROM (${union}) GROUP BY ALL ORDER BY t, d`;
}

/** `sel, n`: matching spans per side. */
export function sideTotalsSql(union: string, sel: string): string {
  return `SELECT ${sel} AS sel, count(*) AS n FROM (${union}) GROUP BY ALL`;
}

/**
 * Which spans are counted: each side's spans whose hash of the span id falls under that side's threshold (a
 * fraction of 2^64), so the same spans are picked each time; null thresholds keep every span.
 */
export function sampleSql(sel: string, thresholds: { selection: bigint | null; baseline: bigint | null }): string {
  const side = (t: bigint | null): string => (t === null ? 'TRUE' : `hash(span_id) < ${ubigint(t)}`);
  if (thresholds.selection === null && thresholds.baseline === null) return 'TRUE';
  return `(CASE WHEN ${sel} THEN ${side(thresholds.selection)} ELSE ${side(thresholds.baseline)} END)`;
}

/** `sel, part, res_id, name, kind, status_code, n`: the counted spans grouped by what needs no body. */
export function fieldCountsSql(union: string, sel: string, sample: string): string {
  return `SELECT ${sel} AS sel, part, res_id, name, kind, status_code, count(*) AS n
    FROM (${union}) WHERE ${sample} GROUP BY ALL`;
}

/**
 * Span and event attribute values of the counted spans: rows `scope` ('s' or 'e'), `key`, `value` (still escaped),
 * `s`, `b` (spans of each side with it), `distinct` (values of the key), `ks`, `kb` (spans of each side with the
 * key), for the `top` most frequent values of each side per key. A span counts once per value, however many of its
 * events carry it.
 */
export function attributeCountsSql(union: string, sel: string, sample: string, top: number): string {
  // Each entry's `key KEY_END text`, up to its TYPE_END. A regular expression over the text measured faster than
  // splitting it into lists (one pass, no intermediate strings); keys hold no raw EVENT, so an event's header is
  // never taken for a key.
  const entries = (text: string): string => `regexp_extract_all(${text}, '\\x1e([^\\x1f\\x1a]*\\x1f[^\\x1d]*)\\x1d', 1)`;
  return `WITH m AS (
      SELECT ${sel} AS sel, split_part(attrs, ${REST}, 1) AS body FROM (${union}) WHERE ${sample}),
    p AS (SELECT sel, split_part(body, ${EVENT}, 1) AS sp,
        CASE WHEN strpos(body, ${EVENT}) > 0 THEN substr(body, strpos(body, ${EVENT})) END AS ev FROM m),
    kv AS (
      SELECT sel, 's' AS scope, unnest(${entries('sp')}) AS e FROM p
      UNION ALL
      SELECT sel, 'e' AS scope, unnest(list_distinct(${entries('ev')})) AS e FROM p WHERE ev IS NOT NULL),
    g AS (SELECT scope, e, count(*) FILTER (WHERE sel) AS s, count(*) FILTER (WHERE NOT sel) AS b FROM kv GROUP BY ALL),
    k AS (SELECT scope, split_part(e, ${KEY_END}, 1) AS key, e[strpos(e, ${KEY_END}) + 1:] AS value, s, b FROM g),
    r AS (SELECT *, count(*) OVER w AS distinct_values, sum(s) OVER w AS ks, sum(b) OVER w AS kb,
        row_number() OVER (PARTITION BY scope, key ORDER BY s DESC, value) AS rs,
        row_number() OVER (PARTITION BY scope, key ORDER BY b DESC, value) AS rb
      FROM k WINDOW w AS (PARTITION BY scope, key))
    SELECT scope, key, value, s, b, distinct_values, ks, kb FROM r WHERE rs <= ${top} OR rb <= ${top}`;
}
