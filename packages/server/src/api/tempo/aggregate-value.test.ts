import { describe, expect, it } from 'vitest';
import { aggregateValueJson } from './aggregate-value.js';

describe('aggregateValueJson (Tempo Static.AsAnyValue of an aggregate)', () => {
  it.each([
    ['count()', 4, { intValue: '4' }],
    ['avg(duration)', 70_000_000, { stringValue: '70ms' }],
    ['avg(duration)', 1_234_567.9, { stringValue: '1.234567ms' }],
    ['max(duration)', 2_500_000_000, { stringValue: '2.5s' }],
    ['min(traceDuration)', 500, { stringValue: '500ns' }],
    ['sum(duration)', 90_000_000_000, { stringValue: '1m30s' }],
    ['avg(span.cart.items)', 3, { doubleValue: 3 }],
    ['avg(span.ratio)', 0.25, { doubleValue: 0.25 }],
    ['avg((duration * 2))', 4_000_000, { doubleValue: 4_000_000 }],
    ['max(span.cart.items)', 3, { intValue: '3' }],
    ['sum(.ratio)', 1.5, { doubleValue: 1.5 }],
    ['avg(span.duration)', 12, { doubleValue: 12 }],
  ])('%s = %s → %j', (name, value, json) => {
    expect(aggregateValueJson(name, value)).toEqual(json);
  });

  // With the engine's static type: what the name alone cannot tell.
  it.each([
    ['sum(span.ratio)', 3, 'float', { doubleValue: 3 }],
    ['max(span.ratio)', 1, 'float', { doubleValue: 1 }],
    ['max(span.cart.items)', 3, 'int', { intValue: '3' }],
    ['max(childCount)', 2, 'int', { intValue: '2' }],
    ['avg(duration)', 1_234_567.9, 'duration', { stringValue: '1.234567ms' }],
    ['count()', 4, 'int', { intValue: '4' }],
  ] as const)('%s = %s (%s) → %j', (name, value, type, json) => {
    expect(aggregateValueJson(name, value, type)).toEqual(json);
  });
});
