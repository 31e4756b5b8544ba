import type { TokenCursor } from './cursor.js';
import { parseField } from './field-parser.js';
import type { CompareArgs } from './metrics-ast.js';
import { TraceQLParseFailure } from './syntax-error.js';

/** Tempo's maxCompareTopN. */
const MAX_COMPARE_TOP_N = 1000;

/**
 * compare()'s arguments after its name, as Tempo's grammar (`expr.y`) takes them: `({ filter })`, `({ filter }, topN)`
 * or `({ filter }, topN, start, end)` (topN 10 and no window by default), checked as MetricsCompare.validate checks
 * them, with its words.
 * @example parseCompareArgs(cursorAt('({ status = error }, 5)')) // { filter, topN: 5, start: 0n, end: 0n }
 */
export function parseCompareArgs(c: TokenCursor): CompareArgs {
  const open = c.expect('(');
  c.expect('{', 'a spanset filter such as { status = error } as the selection');
  let filter = null;
  if (!c.accept('}')) {
    const field = parseField(c);
    if (field.type !== 'bool' && field.type !== 'any') {
      throw new TraceQLParseFailure(c.peek().offset, 'a spanset filter must be a condition such as { span.http.status_code = 500 }');
    }
    filter = field.expr;
    c.expect('}', 'one of "=", "!=", ">", ">=", "<", "<=", "=~", "!~", "&&", "||" or "}"');
  }
  const ints: bigint[] = [];
  while (c.accept(',')) {
    const t = c.peek();
    if (t.type !== 'int') c.fail('expected an integer');
    c.next();
    ints.push((t as { value: bigint }).value);
  }
  c.expect(')', '"," or ")" to close compare(');
  if (ints.length === 2 || ints.length > 3) throw new TraceQLParseFailure(open.offset, 'compare() takes a spanset filter, then topN, then optionally start and end');
  const topN = ints[0] ?? 10n;
  const [start, end] = [ints[1] ?? 0n, ints[2] ?? 0n];
  if (topN <= 0n || topN > BigInt(MAX_COMPARE_TOP_N)) {
    throw new TraceQLParseFailure(open.offset, `compare() top number of values must be an integer between 1 and ${MAX_COMPARE_TOP_N}`);
  }
  if (!(start === 0n && end === 0n)) {
    if (start <= 0n || end <= 0n) throw new TraceQLParseFailure(open.offset, 'compare() timestamps must be positive integer unix nanoseconds');
    if (end <= start) throw new TraceQLParseFailure(open.offset, 'compare() end timestamp must be greater than start timestamp');
  }
  return { filter, topN: Number(topN), start, end };
}
