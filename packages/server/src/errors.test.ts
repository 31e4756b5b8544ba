import { API_ERROR_STATUS, ApiErrorCodeSchema } from '@clew/api';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from './errors.js';
import { asClewError, ClewError, ERROR_CODES } from './errors.js';

const STATUSES: ReadonlyArray<readonly [ErrorCode, number, GrpcStatus]> = [
  ['MALFORMED_REQUEST', 400, GrpcStatus.INVALID_ARGUMENT],
  ['BAD_PARAMETER', 400, GrpcStatus.INVALID_ARGUMENT],
  ['TRACE_NOT_FOUND', 404, GrpcStatus.NOT_FOUND],
  ['SPAN_NOT_FOUND', 404, GrpcStatus.NOT_FOUND],
  ['NOT_FOUND', 404, GrpcStatus.NOT_FOUND],
  ['UNSUPPORTED_MEDIA_TYPE', 415, GrpcStatus.INVALID_ARGUMENT],
  ['PAYLOAD_TOO_LARGE', 413, GrpcStatus.RESOURCE_EXHAUSTED],
  ['UNAUTHENTICATED', 401, GrpcStatus.UNAUTHENTICATED],
  ['FORBIDDEN', 403, GrpcStatus.PERMISSION_DENIED],
  ['RATE_LIMITED', 429, GrpcStatus.RESOURCE_EXHAUSTED],
  ['PIPELINE_FULL', 503, GrpcStatus.UNAVAILABLE],
  ['SHUTTING_DOWN', 503, GrpcStatus.UNAVAILABLE],
  ['WRITE_FAILED', 503, GrpcStatus.UNAVAILABLE],
  ['CONFIG_INVALID', 500, GrpcStatus.INTERNAL],
  ['INTERNAL', 500, GrpcStatus.INTERNAL],
];

describe('ERROR_CODES', () => {
  // The native API's codes are part of its published schema; the server's registry must answer them identically.
  it.each(ApiErrorCodeSchema.options)('the native API code %s has the same HTTP status in the registry', (code) => {
    expect(ERROR_CODES[code].http).toBe(API_ERROR_STATUS[code]);
  });

  it.each(STATUSES)('%s → HTTP %i, gRPC %i', (code, http, grpc) => {
    const err = new ClewError(code, 'm');
    expect(err.httpStatus).toBe(http);
    expect(err.grpcStatus).toBe(grpc);
  });

  it('the table above covers every code', () => {
    expect(STATUSES.map(([code]) => code).sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});

describe('ClewError', () => {
  it('carries a parameter and a position when given them', () => {
    const err = new ClewError('BAD_PARAMETER', 'unexpected token', { parameter: 'q', position: { offset: 4, line: 1, column: 5 } });
    expect(err).toMatchObject({ code: 'BAD_PARAMETER', message: 'unexpected token', parameter: 'q', position: { offset: 4, line: 1, column: 5 } });
    expect(err.retryAfterSeconds).toBeUndefined();
  });

  it('leaves them undefined otherwise', () => {
    const err = new ClewError('PIPELINE_FULL', 'full', { retryAfterSeconds: 2 });
    expect([err.parameter, err.position, err.retryAfterSeconds]).toEqual([undefined, undefined, 2]);
  });

  it('asClewError keeps a ClewError and hides anything else behind "internal error"', () => {
    const own = new ClewError('TRACE_NOT_FOUND', 'trace not found');
    expect(asClewError(own)).toBe(own);
    const bug = new TypeError('x is undefined');
    expect(asClewError(bug)).toMatchObject({ code: 'INTERNAL', message: 'internal error', cause: bug });
  });
});
