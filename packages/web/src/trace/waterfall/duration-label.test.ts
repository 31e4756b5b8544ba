import { describe, expect, it } from 'vitest';
import { durationLabelPlace, labelWidthPx } from './duration-label.js';

describe('durationLabelPlace', () => {
  // An 800 px timeline and a 40 px label: 5% of the width.
  it.each([
    { bar: 'the root, across the whole timeline', left: 0, width: 100, place: 'inside' },
    { bar: 'a long bar ending at the right edge', left: 40, width: 60, place: 'inside' },
    { bar: 'a short bar with room after it', left: 10, width: 2, place: 'after' },
    { bar: 'a short bar at the right edge', left: 97, width: 3, place: 'before' },
    { bar: 'a bar zoomed past both edges', left: -50, width: 300, place: 'inside' },
    { bar: 'a bar just too short to hold its label', left: 90, width: 5.4, place: 'before' },
  ] as const)('$bar → $place', ({ left, width, place }) => expect(durationLabelPlace(left, width, 800, 40)).toBe(place));

  it('puts the label after the bar before the timeline is laid out, and when there is no room anywhere', () => {
    expect(durationLabelPlace(0, 100, 0, 40)).toBe('after');
    expect(durationLabelPlace(40, 20, 60, 40)).toBe('after');
  });

  it('sizes a label by its length', () => {
    expect(labelWidthPx('1.23s')).toBeLessThan(labelWidthPx('2m 5s 0ms'));
  });
});
