import { describe, expect, it } from 'vitest';
import { ArchiveRequestSchema } from './archive.js';
import { AttributeValuesQuerySchema } from './autocomplete.js';
import { describeParameterError } from './parameter-error.js';
import { queryString } from './query-string.js';
import { SearchQuerySchema } from './search.js';
import { OperationsQuerySchema } from './services.js';
import { TraceParamsSchema } from './trace-query.js';

describe('SearchQuerySchema', () => {
  it('reads every parameter', () => {
    const q = SearchQuerySchema.parse({
      service: 'cart',
      operation: 'GET /cart',
      spanKind: 'server',
      attr: ['http.route=/a=b', 'error=true'],
      minDuration: '150ms',
      maxDuration: '1.5s',
      start: '1700000000000',
      end: '1700000060000',
      limit: '50',
      offset: '100',
      sort: 'duration',
      anchor: '1700000000123456789:0af7651916cd43dd8448eb211c80319c',
    });
    expect(q).toEqual({
      service: 'cart',
      operation: 'GET /cart',
      spanKind: 'server',
      attr: [
        ['http.route', '/a=b'],
        ['error', 'true'],
      ],
      minDuration: 150_000_000n,
      maxDuration: 1_500_000_000n,
      start: 1_700_000_000_000_000_000n,
      end: 1_700_000_060_000_000_000n,
      limit: 50,
      offset: 100,
      sort: 'duration',
      anchor: { startTimeUnixNano: 1_700_000_000_123_456_789n, traceId: '0af7651916cd43dd8448eb211c80319c' },
    });
  });

  it('treats empty parameters as absent and fills defaults', () => {
    const q = SearchQuerySchema.parse({ service: '', spanKind: '', minDuration: '', limit: '', sort: '', anchor: '' });
    expect(q).toEqual({ attr: [], limit: 20, offset: 0, sort: 'start' });
  });

  it('takes a single attr as a list of one', () => {
    expect(SearchQuerySchema.parse({ attr: 'a=1' }).attr).toEqual([['a', '1']]);
  });

  it.each([
    [{ limit: '0' }, 'limit', "parameter 'limit': expected an integer from 1 to 1000, got '0'"],
    [{ limit: 'ten' }, 'limit', "parameter 'limit': expected an integer from 1 to 1000, got 'ten'"],
    [{ offset: '-1' }, 'offset', "parameter 'offset': expected an integer from 0 to 1000000, got '-1'"],
    [{ minDuration: '15x' }, 'minDuration', "parameter 'minDuration': expected a duration such as 150ms, 1.5s or 2m30s, got '15x'"],
    [{ spanKind: 'SERVER' }, 'spanKind', "parameter 'spanKind': expected one of unspecified, internal, server, client, producer, consumer, got 'SERVER'"],
    [{ start: 'yesterday' }, 'start', "parameter 'start': expected milliseconds since the epoch, got 'yesterday'"],
    [{ attr: ['novalue'] }, 'attr', "parameter 'attr': expected key=value, got 'novalue'"],
    [{ attr: ['=v'] }, 'attr', "parameter 'attr': expected key=value, got '=v'"],
    [{ minDuration: '2s', maxDuration: '1s' }, 'maxDuration', "parameter 'maxDuration': must not be less than minDuration"],
    [{ start: '2000', end: '1000' }, 'end', "parameter 'end': must not be before start"],
    [{ sort: 'name' }, 'sort', "parameter 'sort': expected one of start, duration, spans, got 'name'"],
    [{ anchor: '17:0AF7651916CD43DD8448EB211C80319C' }, 'anchor', "parameter 'anchor': expected <startTimeUnixNano>:<trace id of 32 lowercase hex digits>, got '17:0AF7651916CD43DD8448EB211C80319C'"],
  ])('refuses %j naming the parameter', (input, parameter, message) => {
    const r = SearchQuerySchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(describeParameterError(r.error!)).toEqual({ parameter, message });
  });
});

describe('other queries', () => {
  it('operations need a service', () => {
    const r = OperationsQuerySchema.safeParse({ spanKind: 'client' });
    expect(describeParameterError(r.error!)).toEqual({ parameter: 'service', message: "parameter 'service': is required" });
    expect(OperationsQuerySchema.parse({ service: 'cart', spanKind: 'client' })).toEqual({ service: 'cart', spanKind: 'client' });
  });

  it.each([
    [{ note: 5 }, 'note', "parameter 'note': must be a string, got a number"],
    [{ note: null }, 'note', "parameter 'note': must be a string, got null"],
    [{ user: ['ana'] }, 'user', "parameter 'user': must be a string, got an array"],
    ['note=x', '', 'the body must be a JSON object, got a string'],
    [[], '', 'the body must be a JSON object, got an array'],
  ])('says what is wrong with a value of the wrong type: %j', (input, parameter, message) => {
    const r = ArchiveRequestSchema.safeParse(input);
    expect(describeParameterError(r.error!, input)).toEqual({ parameter, message });
  });

  it('attribute values need a key', () => {
    const r = AttributeValuesQuerySchema.safeParse({ key: '' });
    expect(describeParameterError(r.error!).parameter).toBe('key');
  });

  it.each([
    ['4BF92F3577B34DA6A3CE929D0E0E4736', '4bf92f3577b34da6a3ce929d0e0e4736'],
    ['abc', '00000000000000000000000000000abc'],
  ])('trace id %s → %s', (text, id) => expect(TraceParamsSchema.parse({ traceId: text }).traceId).toBe(id));

  it.each(['xyz', '0', '1'.repeat(33)])('refuses trace id %s', (text) =>
    expect(TraceParamsSchema.safeParse({ traceId: text }).success).toBe(false),
  );
});

describe('queryString', () => {
  it('repeats lists, drops empties, and round-trips through the schema', () => {
    const s = queryString({ service: 'cart', operation: '', attr: ['http.route=/cart', 'error=true'], limit: 5 });
    expect(s).toBe('?service=cart&attr=http.route%3D%2Fcart&attr=error%3Dtrue&limit=5');
    expect(queryString({})).toBe('');
  });
});
