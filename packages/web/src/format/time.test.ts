import { describe, expect, it } from 'vitest';
import { zoneName } from './time.js';

describe('zoneName', () => {
  const winter = Date.UTC(2025, 0, 15, 12);
  const summer = Date.UTC(2025, 6, 15, 12);
  it.each([
    ['UTC', winter, 'en-US', 'UTC'],
    ['Europe/Berlin', winter, 'en-US', 'UTC+1'],
    ['Europe/Berlin', summer, 'en-US', 'UTC+2'],
    ['Europe/Berlin', summer, 'en-GB', 'CEST'],
    ['Asia/Kolkata', winter, 'en-US', 'UTC+5:30'],
    ['America/Los_Angeles', winter, 'en-US', 'PST'],
    ['America/Los_Angeles', summer, 'en-GB', 'UTC-7'],
  ])('%s at %d in %s → %s', (zone, ms, locale, name) => expect(zoneName(ms, zone, locale)).toBe(name));
});
