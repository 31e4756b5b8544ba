import type { SpanId } from '@clew/model';
import { str } from '@clew/model';
import { makeResource, makeSpan } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { AttributeCatalog } from './attribute-catalog.js';

const LIMITS = { maxKeys: 3, maxValuesPerKey: 2, maxValueLength: 5, maxServicesPerEntry: 2 };
const span = (service: string, attrs: Record<string, string>) =>
  makeSpan({ resource: makeResource(service), attributes: Object.entries(attrs).map(([key, v]) => ({ key, value: str(v) })) });

describe('AttributeCatalog', () => {
  it('keeps the most recent values per key, newest first', () => {
    const c = new AttributeCatalog(LIMITS);
    c.record([span('a', { k: '1' }), span('a', { k: '2' }), span('a', { k: '3' }), span('a', { k: '2' })]);
    expect(c.valuesOf('k')).toEqual(['2', '3']);
  });

  it('forgets the least recently seen key past the cap', () => {
    const c = new AttributeCatalog({ ...LIMITS, maxKeys: 4 }); // service.name takes one slot
    c.record([span('a', { k1: 'x', k2: 'x', k3: 'x' }), span('a', { k1: 'y', k4: 'x' })]);
    // k1 was seen again before k4 arrived, so k2 is the least recent
    expect(c.keysOf()).toEqual(['k1', 'k3', 'k4', 'service.name']);
  });

  it('filters by service and prefix, and skips long values', () => {
    const c = new AttributeCatalog(LIMITS);
    c.record([span('a', { 'http.route': '/a' }), span('b', { 'http.route': '/b', db: 'toolong' })]);
    expect(c.keysOf('a')).toEqual(['http.route', 'service.name']);
    expect(c.keysOf(undefined, 'db')).toEqual(['db']);
    expect(c.valuesOf('http.route', 'b')).toEqual(['/b']);
    expect(c.valuesOf('http.route', undefined, '/a')).toEqual(['/a']);
    expect(c.valuesOf('db')).toEqual([]);
    expect(c.valuesOf('unknown')).toEqual([]);
  });

  it('keeps the service and name of root spans only, most recent first, long names skipped', () => {
    const c = new AttributeCatalog(LIMITS);
    const root = (service: string, name: string) => makeSpan({ resource: makeResource(service), name, parentSpanId: null });
    const child = (service: string, name: string) => makeSpan({ resource: makeResource(service), name, parentSpanId: 'a1a2a3a4a5a6a7a8' as SpanId });
    c.record([root('web', 'home'), child('db', 'SELECT'), root('api', 'list'), root('web', 'toolongname'), child('queue', 'send')]);
    expect(c.rootValuesOf('rootServiceName')).toEqual(['web', 'api']);
    expect(c.rootValuesOf('rootName')).toEqual(['list', 'home']);
    c.record([root('cron', 'tick')]); // past maxValuesPerKey (2), the least recent goes
    expect(c.rootValuesOf('rootServiceName')).toEqual(['cron', 'web']);
    expect(c.rootValuesOf('rootName')).toEqual(['tick', 'list']);
  });

  it('recordRoots learns the roots of a batch and none of its attributes', () => {
    const c = new AttributeCatalog(LIMITS);
    const root = makeSpan({ resource: makeResource('web'), name: 'home', parentSpanId: null, attributes: [{ key: 'k', value: str('v') }] });
    c.recordRoots([root, makeSpan({ resource: makeResource('db'), name: 'q', parentSpanId: 'a1a2a3a4a5a6a7a8' as SpanId })]);
    expect([c.rootValuesOf('rootServiceName'), c.rootValuesOf('rootName'), c.keysOf()]).toEqual([['web'], ['home'], []]);
  });
});
