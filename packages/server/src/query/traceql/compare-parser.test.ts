import { describe, expect, it } from 'vitest';
import { parseTraceQLMetrics } from './index.js';

/** compare()'s arguments as parsed, or the parse error. */
const compareOf = (text: string) => {
  const r = parseTraceQLMetrics(text);
  if (!r.ok) return r.error.message;
  return r.query.type === 'metrics' ? r.query.aggregate.compare : undefined;
};

const ERROR = { type: 'binary', op: '=', left: { type: 'intrinsic', name: 'status' }, right: { type: 'static', value: { type: 'status', value: 'error' } } };

describe('compare() arguments, as Tempo’s grammar takes them', () => {
  it.each([
    ['{ } | compare({ status = error })', { filter: ERROR, topN: 10, start: 0n, end: 0n }],
    ['{ } | compare({ })', { filter: null, topN: 10, start: 0n, end: 0n }],
    ['{ } | compare({ status = error }, 3)', { filter: ERROR, topN: 3, start: 0n, end: 0n }],
    ['{ } | compare({ status = error }, 1000, 1764000000000000001, 1764000000000000002)', { filter: ERROR, topN: 1000, start: 1764000000000000001n, end: 1764000000000000002n }],
    ['{ } | compare({ status = error }, 5, 0, 0)', { filter: ERROR, topN: 5, start: 0n, end: 0n }],
  ])('%s', (text, want) => {
    expect(compareOf(text)).toEqual(want);
  });

  it.each([
    ['{ } | compare({ status = error }, 0)', 'parse error at line 1, col 14: compare() top number of values must be an integer between 1 and 1000'],
    ['{ } | compare({ status = error }, 1001)', 'parse error at line 1, col 14: compare() top number of values must be an integer between 1 and 1000'],
    ['{ } | compare({ status = error }, 5, 10)', 'parse error at line 1, col 14: compare() takes a spanset filter, then topN, then optionally start and end'],
    ['{ } | compare({ status = error }, 5, 0, 10)', 'parse error at line 1, col 14: compare() timestamps must be positive integer unix nanoseconds'],
    ['{ } | compare({ status = error }, 5, 20, 10)', 'parse error at line 1, col 14: compare() end timestamp must be greater than start timestamp'],
    ['{ } | compare(status = error)', 'parse error at line 1, col 15: expected a spanset filter such as { status = error } as the selection but found "status"'],
    ['{ } | compare({ status = error }, 1.5)', 'parse error at line 1, col 35: expected an integer but found "1.5"'],
  ])('refuses %s', (text, message) => {
    expect(compareOf(text)).toBe(message);
  });
});
