import { describe, expect, it } from 'vitest';
import { W3CTraceState } from './tracestate.js';

// Parsing is covered request by request in testing/propagation-cases.ts; these are the API's mutations.
describe('W3CTraceState', () => {
  const state = W3CTraceState.parse('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE')!;

  it('reads members by key', () => {
    expect([state.get('rojo'), state.get('congo'), state.get('clew')]).toEqual(['00f067aa0ba902b7', 't61rcWkgMzE', undefined]);
  });

  it.each<[string, (s: W3CTraceState) => unknown, string]>([
    ['set adds a new key on the left', (s) => s.set('clew', '1'), 'clew=1,rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'],
    ['set moves an updated key to the left', (s) => s.set('congo', 'x'), 'congo=x,rojo=00f067aa0ba902b7'],
    ['set takes keys of the current grammar', (s) => s.set('1tenant@sys', 'v'), '1tenant@sys=v,rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'],
    ['set ignores an invalid key', (s) => s.set('@clew', '1'), 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'],
    ['set ignores a value with a comma', (s) => s.set('clew', 'a,b'), 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'],
    ['set ignores a value ending in a space', (s) => s.set('clew', 'a '), 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'],
    ['unset removes a key', (s) => s.unset('rojo'), 'congo=t61rcWkgMzE'],
    ['unset of every key leaves an empty list', (s) => s.unset('rojo').unset('congo'), ''],
  ])('%s', (_case, change, serialized) => {
    expect((change(state) as W3CTraceState).serialize()).toBe(serialized);
    expect(state.serialize()).toBe('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
  });

  it('set on a list of 32 drops the right-most member', () => {
    const full = W3CTraceState.parse(Array.from({ length: 32 }, (_, i) => `m${i}=${i}`).join(','))!;
    const members = full.set('clew', '1').serialize().split(',');
    expect(members.length).toBe(32);
    expect(members[0]).toBe('clew=1');
    expect(members.at(-1)).toBe('m30=30');
  });

  it('a header whose only member is longer than 512 characters gives no list', () => {
    expect(W3CTraceState.parse(`${'k'.repeat(256)}=${'v'.repeat(256)}`)).toBeUndefined();
  });
});
