import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../errors.js';
import { ClewError } from '../errors.js';
import { apiErrorOf } from './error-handler.js';

/** An error as fastify makes its own refusals: a message, a statusCode and an FST_ code. */
const fastifyError = (statusCode: number, message: string): Error => Object.assign(new Error(message), { statusCode, code: 'FST_ERR_X' });

describe('apiErrorOf', () => {
  it('keeps a ClewError as it is', () => {
    const err = new ClewError('BAD_PARAMETER', "parameter 'service' is required");
    expect(apiErrorOf(err)).toBe(err);
  });

  it.each<[number, string, ErrorCode, number]>([
    [400, 'Body cannot be empty when content-type is set to \'application/json\'', 'MALFORMED_REQUEST', 400],
    [404, 'Not Found', 'NOT_FOUND', 404],
    [413, 'Request body is too large', 'PAYLOAD_TOO_LARGE', 413],
    [415, 'Unsupported Media Type: application/xml', 'UNSUPPORTED_MEDIA_TYPE', 415],
    [422, 'Unprocessable', 'MALFORMED_REQUEST', 400],
  ])('fastify’s %i %j → %s (HTTP %i), same text', (statusCode, message, code, http) => {
    const err = apiErrorOf(fastifyError(statusCode, message));
    expect(err).toMatchObject({ code, message });
    expect(err.httpStatus).toBe(http);
  });

  it.each([
    ['a bug', new TypeError('cannot read properties of undefined')],
    ['a 5xx from fastify', fastifyError(500, 'reply already sent')],
    ['a thrown string', 'boom'],
    ['undefined thrown', undefined],
  ])('%s is an internal error that says no more', (_name, thrown) => {
    expect(apiErrorOf(thrown)).toMatchObject({ code: 'INTERNAL', message: 'internal error' });
  });
});
