import type { Span } from '@clew/model';
import { getStringAttribute, SPAN_KIND_NAMES } from '@clew/model';
import type { PatternSpan } from './trace-patterns.js';
import { timedSpansFromModel } from './timed-span.js';

/** Where a call says what it asked for, most specific first: database statements (current and older conventions), then routes. */
const DETAIL_KEYS = ['db.query.text', 'db.statement', 'http.route', 'url.template'] as const;

/**
 * Model spans (as the Store gives them) for tracePatterns, in the same order: timed spans with their kind and their
 * statement or route. Statements are normalised so that a loop over ids (`WHERE id = 3`, `WHERE id = 14`) reads as
 * one query. Linear.
 */
export function patternSpansFromModel(spans: readonly Span[]): PatternSpan[] {
  return timedSpansFromModel(spans).map((t, i) => {
    const s = spans[i]!;
    let detail: string | undefined;
    for (const key of DETAIL_KEYS) {
      detail = getStringAttribute(s.attributes, key);
      if (detail !== undefined) break;
    }
    return { ...t, kind: SPAN_KIND_NAMES[s.kind], ...(detail !== undefined && { detail: normalizeStatement(detail) }) };
  });
}

/**
 * A statement with its literals replaced by `?`: quoted strings and numbers not part of a name.
 * @example normalizeStatement("SELECT * FROM products WHERE id = 14 AND name = 'x'") // "SELECT * FROM products WHERE id = ? AND name = ?"
 */
export function normalizeStatement(text: string): string {
  return text.replace(/'(?:[^']|'')*'/g, '?').replace(/(?<![\w.$])-?\d+(?:\.\d+)?(?![\w.])/g, '?');
}
