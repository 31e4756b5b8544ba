import type { UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, str } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { catalogConsumer } from '../../pipeline/catalog-consumer.js';
import { AttributeCatalogs } from './attribute-catalogs.js';

const T0 = 1_700_000_000_000_000_000n as UnixNanos;
const trace = (service: string, region: string) =>
  makeTrace(T0, { service, name: 'GET /', at: 0, ms: 1, attributes: [{ key: 'region', value: str(region) }] });

describe('AttributeCatalogs', () => {
  it("gives each tenant its own catalog, made on first use, which the consumer teaches with each push's tenant", () => {
    const catalogs = new AttributeCatalogs();
    const consumer = catalogConsumer(catalogs);
    consumer.push(trace('shop', 'eu'), 1n, 'a');
    consumer.push(trace('shop', 'us'), 2n, 'b');
    expect(catalogs.for('a').valuesOf('region')).toEqual(['eu']);
    expect(catalogs.for('b').valuesOf('region')).toEqual(['us']);
    expect(catalogs.for('b').rootValuesOf('rootServiceName')).toEqual(['shop']);
    expect(catalogs.for(DEFAULT_TENANT).keysOf()).toEqual([]);
    expect(catalogs.for('a')).toBe(catalogs.for('a'));
  });
});
