import { describe, expect, it } from 'vitest';
import type { KeyValue } from './attributes.js';
import { sharedAttributeId, sharedKeyValue } from './attributes.js';

describe('shared attributes', () => {
  it('carry a number only sharedAttributeId sees: not JSON, keys, spreads or equality', () => {
    const plain: KeyValue = { key: 'http.method', value: { type: 'string', value: 'GET' } };
    const shared = sharedKeyValue('http.method', { type: 'string', value: 'GET' });
    const other = sharedKeyValue('http.method', { type: 'string', value: 'GET' });
    expect(sharedAttributeId(plain)).toBe(-1);
    expect(sharedAttributeId(shared)).toBeGreaterThanOrEqual(0);
    expect(sharedAttributeId(other)).not.toBe(sharedAttributeId(shared));
    expect(JSON.stringify(shared)).toBe(JSON.stringify(plain));
    expect(Object.keys(shared)).toEqual(['key', 'value']);
    expect(shared).toEqual(plain);
    expect(sharedAttributeId({ ...shared })).toBe(-1);
    expect(structuredClone(shared)).toEqual(plain);
  });
});
