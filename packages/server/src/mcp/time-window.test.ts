import { describe, expect, it } from 'vitest';
import { ClewError } from '../errors.js';
import { resolveWindow } from './time-window.js';

const NOW = Date.parse('2025-01-31T12:00:00Z');

describe('resolveWindow', () => {
  it.each([
    ['nothing, no default: unbounded', {}, undefined, { from: undefined, to: undefined }],
    ['nothing: the default before now', {}, '1h', { from: NOW - 3_600_000, to: undefined }],
    ['since before now', { since: '15m' }, '1h', { from: NOW - 900_000, to: undefined }],
    ['since in days', { since: '7d' }, undefined, { from: NOW - 7 * 86_400_000, to: undefined }],
    ['since before to', { since: '1h', to: '2025-01-31T10:00:00Z' }, undefined, { from: NOW - 3 * 3_600_000, to: NOW - 2 * 3_600_000 }],
    ['from and to, ISO and epoch ms', { from: '2025-01-31T11:00:00Z', to: String(NOW) }, '1h', { from: NOW - 3_600_000, to: NOW }],
    ['from wins over since', { from: String(NOW - 60_000), since: '1h' }, undefined, { from: NOW - 60_000, to: undefined }],
  ])('%s', (_name, input, fallback, expected) => {
    expect(resolveWindow(input, NOW, fallback)).toEqual(expected);
  });

  it.each([
    [{ since: 'an hour' }, 'since'],
    [{ from: 'yesterday' }, 'from'],
    [{ from: String(NOW), to: String(NOW - 1) }, 'to'],
  ])('refuses %j naming %s', (input, parameter) => {
    expect(() => resolveWindow(input, NOW, undefined)).toThrow(ClewError);
    try {
      resolveWindow(input, NOW, undefined);
    } catch (err) {
      expect((err as ClewError).parameter).toBe(parameter);
    }
  });
});
