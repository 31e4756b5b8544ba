import { ApiErrorBodySchema } from '@clew/api';
import { describe, expect, it } from 'vitest';
import { ClewError } from '../../errors.js';
import { nativeErrorReply } from './error-body.js';

describe('nativeErrorReply', () => {
  it.each([
    [
      'a bad parameter, named',
      new ClewError('BAD_PARAMETER', "parameter 'limit': expected an integer from 1 to 1000, got '0'", { parameter: 'limit' }),
      400,
      { code: 'BAD_PARAMETER', message: "parameter 'limit': expected an integer from 1 to 1000, got '0'", parameter: 'limit' },
    ],
    [
      'a TraceQL parse error, with where',
      new ClewError('BAD_PARAMETER', 'unexpected }', { parameter: 'q', position: { offset: 7, line: 2, column: 3 } }),
      400,
      { code: 'BAD_PARAMETER', message: 'unexpected }', parameter: 'q', position: { offset: 7, line: 2, column: 3 } },
    ],
    ['an unknown trace', new ClewError('TRACE_NOT_FOUND', 'trace ff not found'), 404, { code: 'TRACE_NOT_FOUND', message: 'trace ff not found' }],
    ['an unknown span', new ClewError('SPAN_NOT_FOUND', 'span aa is not in trace ff'), 404, { code: 'SPAN_NOT_FOUND', message: 'span aa is not in trace ff' }],
    ['an unknown route', new ClewError('NOT_FOUND', 'no route GET /api/clew/v1/x'), 404, { code: 'NOT_FOUND', message: 'no route GET /api/clew/v1/x' }],
    ['fastify refusing a body', new ClewError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type: text/xml'), 400, { code: 'BAD_PARAMETER', message: 'Unsupported Media Type: text/xml' }],
    ['a server-side failure', new ClewError('WRITE_FAILED', 'disk full'), 500, { code: 'INTERNAL', message: 'internal error' }],
    ['a bug', new ClewError('INTERNAL', 'internal error'), 500, { code: 'INTERNAL', message: 'internal error' }],
  ])('%s', (_name, err, status, error) => {
    const reply = nativeErrorReply(err);
    expect(reply).toEqual({ status, body: { error } });
    // What the UI parses: the key order on the wire as well as the schema.
    expect(JSON.stringify(reply.body)).toBe(JSON.stringify({ error }));
    expect(ApiErrorBodySchema.parse(reply.body)).toEqual(reply.body);
  });
});
