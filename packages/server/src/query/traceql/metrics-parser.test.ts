import { describe, expect, it } from 'vitest';
import { parseTraceQL, parseTraceQLMetrics } from './index.js';

const parse = (text: string) => {
  const r = parseTraceQLMetrics(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.query;
};
const error = (text: string) => {
  const r = parseTraceQLMetrics(text);
  return r.ok ? 'parsed' : r.error.message;
};

describe('parseTraceQLMetrics', () => {
  it.each([
    ['{ } | rate()', { fn: 'rate', by: [] }],
    ['{ } | count_over_time() by (resource.service.name, name)', { fn: 'count_over_time', by: [{ type: 'attribute', scope: 'resource', name: 'service.name' }, { type: 'intrinsic', name: 'name' }] }],
    ['{ } | quantile_over_time(duration, .5, 0.9, 1)', { fn: 'quantile_over_time', field: { type: 'intrinsic', name: 'duration' }, quantiles: [0.5, 0.9, 1], by: [] }],
    ['{ } | histogram_over_time(span.bytes) by (.region)', { fn: 'histogram_over_time', field: { type: 'attribute', scope: 'span', name: 'bytes' }, by: [{ type: 'attribute', scope: 'any', name: 'region' }] }],
    ['{ } | avg_over_time(duration)', { fn: 'avg_over_time', field: { type: 'intrinsic', name: 'duration' }, by: [] }],
  ])('%s', (text, aggregate) => {
    expect(parse(text)).toMatchObject({ type: 'metrics', aggregate });
  });

  it('names by() labels as Tempo does: attributes as written, intrinsics in the form written', () => {
    const q = parse('{ } | rate() by (span:name, name, resource.service.name, .region, span."a b")');
    expect(q.type === 'metrics' && q.aggregate.byNames).toEqual(['span:name', 'name', 'resource.service.name', '.region', 'span."a b"']);
  });

  it('keeps the spanset pipeline before the function, search stages included', () => {
    const q = parse('{ status = error } | by(resource.service.name) | count() > 1 | rate()');
    expect(q.type === 'metrics' && q.pipeline.stages.map((s) => s.type)).toEqual(['spanset', 'by', 'scalar-filter']);
  });

  it('reads second stages: topk, bottomk and comparisons, in order', () => {
    expect(parse('{ } | rate() by (name) | topk(3) > 0.5 | bottomk(1)').stages).toEqual([
      { type: 'topk', limit: 3 },
      { type: 'filter', op: '>', value: 0.5 },
      { type: 'bottomk', limit: 1 },
    ]);
  });

  it('reads arithmetic between parenthesised metrics pipelines and numbers, * and / before + and -', () => {
    const q = parse('({ status = error } | rate()) / ({ } | rate()) * 100 + 1');
    expect(q).toMatchObject({
      type: 'scalar-math',
      op: '+',
      scalar: 1,
      scalarFirst: false,
      expr: { type: 'scalar-math', op: '*', scalar: 100, expr: { type: 'math', op: '/', left: { type: 'metrics' }, right: { type: 'metrics' } } },
    });
    expect(parse('2 * (({ } | count_over_time()))')).toMatchObject({ type: 'scalar-math', scalar: 2, scalarFirst: true });
    // Ints fold as ints, as in Tempo: 1/2 is 0, 1/2.0 is 0.5.
    expect(parse('({ } | rate()) * (1 / 2)')).toMatchObject({ scalar: 0 });
    expect(parse('({ } | rate()) * (1 / 2.0)')).toMatchObject({ scalar: 0.5 });
    expect(parse('{ } | rate() > 1.5s').stages).toEqual([{ type: 'filter', op: '>', value: 1.5 }]);
  });

  it.each([
    ['{ } | rate() | rate()', 'parse error at line 1, col 16: expected "| topk(n)" or "| bottomk(n)": only one metrics function per pipeline but found "rate"'],
    ['{ } | topk(5)', 'parse error at line 1, col 7: topk() is a second stage: it follows a metrics function, as in | rate() | topk(5)'],
    ['{ } | compare({ status = error }, 0)', 'parse error at line 1, col 14: compare() top number of values must be an integer between 1 and 1000'],
    ['{ } | quantile_over_time(duration)', 'parse error at line 1, col 34: expected "," and the quantiles, as in quantile_over_time(duration, .5, .99) but found ")"'],
    ['{ } | rate() | topk(0)', 'parse error at line 1, col 21: topk() needs a limit greater than 0'],
    ['({ } | rate()) * 1s', 'parse error at line 1, col 18: duration cannot be used as a scalar operand in metric arithmetic'],
    ['({ } | rate()) * (1s + 1)', 'parse error at line 1, col 22: duration cannot be used in scalar arithmetic'],
    ['{ }', 'parse error at line 1, col 4: expected "|" and a metrics function (rate(), count_over_time(), min_over_time(), max_over_time(), sum_over_time(), avg_over_time(), quantile_over_time() or histogram_over_time()) but found end of query'],
    ['', 'parse error at line 1, col 1: expected a metrics query such as { } | rate() but found end of query'],
  ])('%s fails', (text, message) => {
    expect(error(text)).toBe(message);
  });

  it('reads query hints after the query', () => {
    const r = parseTraceQLMetrics('{ } | rate() with (exemplars = 5, sample = true, most_recent = false, job_size = "x")');
    expect(r.ok && [...r.hints]).toEqual([
      ['exemplars', 5n],
      ['sample', true],
      ['most_recent', false],
      ['job_size', 'x'],
    ]);
    expect(error('{ } | rate() with (exemplars)')).toBe('parse error at line 1, col 29: expected "=" after exemplars but found ")"');
  });

  it('leaves search as it was: a metrics function is not a search', () => {
    expect(parseTraceQL('{ } | rate()').ok).toBe(false);
    expect(parseTraceQL('({ } | by(name))').ok).toBe(true);
  });
});
