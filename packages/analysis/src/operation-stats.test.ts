import { describe, expect, it } from 'vitest';
import { drawTrace } from './draw-trace.js';
import { operationStats } from './operation-stats.js';
import { selfTimes } from './self-time.js';
import { buildSpanTree } from './span-tree.js';

describe('operationStats', () => {
  /*
   * Two calls to db.query from api, one failing; api's own time is what the calls leave uncovered.
   */
  it('groups by service and operation, ordered by self time', () => {
    const spans = drawTrace(`
      api    .    api  |--------------------|
      q1     api  db     |-----|
      q2     api  db              |---|   !
    `).map((s) => (s.spanId.startsWith('q') ? { ...s, name: 'db.query' } : s));
    const stats = operationStats(spans, selfTimes(spans, buildSpanTree(spans)));
    expect(stats).toEqual([
      { service: 'api', name: 'api', count: 1, errorCount: 0, totalDuration: 21, selfTime: 21 - 6 - 4, minDuration: 21, avgDuration: 21, maxDuration: 21 },
      { service: 'db', name: 'db.query', count: 2, errorCount: 1, totalDuration: 10, selfTime: 10, minDuration: 4, avgDuration: 5, maxDuration: 6 },
    ]);
  });

  it('is empty for no spans', () => expect(operationStats([], [])).toEqual([]));
});
