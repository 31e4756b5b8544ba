import { describe, expect, it } from 'vitest';
import { displayTraceId, parseTraceIdInput, shortTraceId } from './trace-id.js';

describe('parseTraceIdInput', () => {
  it.each([
    ['4bf92f3577b34da6a3ce929d0e0e4736', '4bf92f3577b34da6a3ce929d0e0e4736'],
    [' "4BF92F35-77B3-4DA6-A3CE-929D0E0E4736" ', '4bf92f3577b34da6a3ce929d0e0e4736'],
    ['00f067aa0ba902b7', '000000000000000000f067aa0ba902b7'],
    ['a3ce929d0e0e4736', '0000000000000000a3ce929d0e0e4736'],
  ])('%s → %s', (text, id) => expect(parseTraceIdInput(text)).toBe(id));

  it.each(['checkout', 'a3ce929d0e0e473', '4bf92f3577b34da6a3ce929d0e0e47360', 'g3ce929d0e0e4736'])('is not a trace id: %s', (text) =>
    expect(parseTraceIdInput(text)).toBeUndefined(),
  );
});

describe('displayTraceId', () => {
  it('shows a 64-bit id as its 16 digits, which parse back to the same id', () => {
    const stored = '0000000000000000a3ce929d0e0e4736';
    expect(displayTraceId(stored)).toBe('a3ce929d0e0e4736');
    expect(parseTraceIdInput(displayTraceId(stored))).toBe(stored);
    expect(shortTraceId(stored)).toBe('a3ce929d');
  });

  it('shows a 128-bit id whole', () => {
    expect(displayTraceId('4bf92f3577b34da6a3ce929d0e0e4736')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(shortTraceId('4bf92f3577b34da6a3ce929d0e0e4736')).toBe('4bf92f35');
  });
});
