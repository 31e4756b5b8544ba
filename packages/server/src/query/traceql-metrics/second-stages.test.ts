import { describe, expect, it } from 'vitest';
import { scalarMath, seriesMath } from './metrics-math.js';
import { applySecondStages } from './second-stages.js';
import type { Series, SeriesSet } from './series.js';
import { labelsKey, METRIC_NAME } from './series.js';

const series = (labels: Record<string, string>, values: number[]): [string, Series] => {
  const ls = Object.entries(labels).map(([name, value]) => ({ name, value: { type: 'string' as const, value } }));
  return [labelsKey(ls), { labels: ls, values, exemplars: [] }];
};
const set = (...s: Array<[string, Series]>): SeriesSet => new Map(s);
const view = (s: SeriesSet) => Object.fromEntries([...s.values()].map((x) => [x.labels.map((l) => `${l.name}=${(l.value as { value: string }).value}`).join(','), x.values]));
const N = Number.NaN;

describe('second stages', () => {
  const input = set(series({ svc: 'a' }, [1, 5, 3]), series({ svc: 'b' }, [2, 5, N]), series({ svc: 'c' }, [3, 1, 1]));

  it('topk keeps the highest values at each interval, ties to the earlier label', () => {
    expect(view(applySecondStages(input, [{ type: 'topk', limit: 1 }], 3))).toEqual({ 'svc=c': [3, N, N], 'svc=a': [N, 5, 3] });
  });

  it('bottomk keeps the lowest', () => {
    expect(view(applySecondStages(input, [{ type: 'bottomk', limit: 1 }], 3))).toEqual({ 'svc=a': [1, N, N], 'svc=c': [N, 1, 1] });
  });

  it('a filter blanks the points that fail it and drops series left empty', () => {
    expect(view(applySecondStages(input, [{ type: 'filter', op: '>=', value: 3 }], 3))).toEqual({ 'svc=a': [N, 5, 3], 'svc=b': [N, 5, N], 'svc=c': [3, N, N] });
  });
});

describe('metrics arithmetic', () => {
  it('pairs series by labels; an ungrouped side meets every series; x/0 is NaN', () => {
    const errors = set(series({ svc: 'a' }, [1, 0]), series({ svc: 'b' }, [2, 2]));
    const total = set(series({ svc: 'a' }, [4, 0]), series({ svc: 'c' }, [1, 1]));
    expect(view(seriesMath('/', errors, total))).toEqual({ 'svc=a': [0.25, N] });
    const all = set(series({ [METRIC_NAME]: 'rate' }, [10, 20]));
    expect(view(seriesMath('/', errors, all))).toEqual({ 'svc=a': [0.1, 0], 'svc=b': [0.2, 0.1] });
  });

  it('names the result after both functions when both sides are ungrouped', () => {
    const a = set(series({ [METRIC_NAME]: 'rate' }, [1]));
    const b = set(series({ [METRIC_NAME]: 'count_over_time' }, [4]));
    expect(view(seriesMath('/', a, b))).toEqual({ '__name__=(rate / count_over_time)': [0.25] });
  });

  it('scales by a number on either side', () => {
    const a = set(series({ svc: 'a' }, [2, 4]));
    expect(view(scalarMath('*', 100, false, a))).toEqual({ 'svc=a': [200, 400] });
    expect(view(scalarMath('-', 1, true, a))).toEqual({ 'svc=a': [-1, -3] });
  });
});
