import type { ZipkinJsonSpan } from '@clew/codecs';
import { describe, expect, it } from 'vitest';
import type { ZipkinQueryRequest } from './query-request.js';
import { parseAnnotationQuery } from './query-request.js';
import { matchesQuery } from './query-test.js';

describe('parseAnnotationQuery (Zipkin QueryRequest.parseAnnotationQuery)', () => {
  it.each<[string, Array<[string, string]>]>([
    ['', []],
    ['error', [['error', '']]],
    ['error and http.method=GET', [['error', ''], ['http.method', 'GET']]],
    [' http.path = /a=b  and  cs ', [['http.path', '/a=b'], ['cs', '']]],
    ['k=', [['k', '']]],
    ['=v and x', [['x', '']]],
  ])('%j', (text, expected) => expect([...parseAnnotationQuery(text)]).toEqual(expected));
});

/*
 * One trace:  frontend  get /     (root, ts 1000 µs, 300 µs)
 *             backend   query     (ts 1100 µs, 50 µs, tag db=pg, annotation "retry", remote mysql)
 */
const trace: ZipkinJsonSpan[] = [
  { traceId: 'a', id: '1', name: 'get /', timestamp: 1000, duration: 300, localEndpoint: { serviceName: 'frontend' }, tags: { 'http.method': 'GET' } },
  { traceId: 'a', parentId: '1', id: '2', name: 'query', timestamp: 1100, duration: 50, localEndpoint: { serviceName: 'backend' }, remoteEndpoint: { serviceName: 'mysql' }, annotations: [{ timestamp: 1110, value: 'retry' }], tags: { db: 'pg' } },
];
const q = (over: Partial<ZipkinQueryRequest>): ZipkinQueryRequest => ({ annotationQuery: new Map(), endTs: 1n, lookback: 1n, limit: 10, ...over });

describe('matchesQuery (Zipkin QueryRequest.test)', () => {
  it.each<[string, Partial<ZipkinQueryRequest>, boolean]>([
    ['the window holds the root timestamp', {}, true],
    ['the window ends before the root', { endTs: 0n, lookback: 1n }, false],
    ['a service of the trace', { serviceName: 'backend' }, true],
    ['a service not in the trace', { serviceName: 'cart' }, false],
    ['span name on a span of the service', { serviceName: 'backend', spanName: 'query' }, true],
    ['span name on a span of another service', { serviceName: 'frontend', spanName: 'query' }, false],
    ['remote service', { remoteServiceName: 'mysql' }, true],
    ['annotation value as a bare term', { annotationQuery: new Map([['retry', '']]) }, true],
    ['tag key as a bare term', { annotationQuery: new Map([['db', '']]) }, true],
    ['tag key=value', { annotationQuery: new Map([['db', 'pg']]) }, true],
    ['tag key=other value', { annotationQuery: new Map([['db', 'mysql']]) }, false],
    ['terms met by different spans of the trace', { annotationQuery: new Map([['http.method', 'GET'], ['db', 'pg']]) }, true],
    ['…but not when the service confines them to one span', { serviceName: 'backend', annotationQuery: new Map([['http.method', 'GET'], ['db', 'pg']]) }, false],
    ['minDuration met by some span', { minDuration: 300n }, true],
    ['minDuration met by no span', { minDuration: 301n }, false],
    ['min and max around the short span', { minDuration: 40n, maxDuration: 60n }, true],
    ['min and max around no span of the service', { serviceName: 'frontend', minDuration: 40n, maxDuration: 60n }, false],
  ])('%s', (_name, over, expected) => expect(matchesQuery(q({ endTs: 2n, lookback: 2n, ...over }), trace)).toBe(expected));
});
