// The status enum alone: the package's index loads its whole client and server (about 40 ms), which `clew import -d`
// would pay for the configuration's error codes.
import { Status as GrpcStatus } from '@grpc/grpc-js/build/src/constants.js';

/**
 * Every error Clew reports on purpose, with how it maps to HTTP and gRPC. A superset of the native API's public codes
 * (`API_ERROR_STATUS` in @clew/api), which keep the same HTTP status here.
 */
export const ERROR_CODES = {
  MALFORMED_REQUEST: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  /** A query or path parameter is missing or malformed; the message names it. */
  BAD_PARAMETER: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  TRACE_NOT_FOUND: { http: 404, grpc: GrpcStatus.NOT_FOUND },
  SPAN_NOT_FOUND: { http: 404, grpc: GrpcStatus.NOT_FOUND },
  /** No route matches. */
  NOT_FOUND: { http: 404, grpc: GrpcStatus.NOT_FOUND },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, grpc: GrpcStatus.INVALID_ARGUMENT },
  PAYLOAD_TOO_LARGE: { http: 413, grpc: GrpcStatus.RESOURCE_EXHAUSTED },
  /** Auth is on and the request has no token, or one Clew does not know. */
  UNAUTHENTICATED: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED },
  /** The token is known but may not do this (its scope, or a tenant it does not hold). */
  FORBIDDEN: { http: 403, grpc: GrpcStatus.PERMISSION_DENIED },
  /** A tenant's limit (its ingest rate) is spent for now; retry after the delay given. */
  RATE_LIMITED: { http: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED },
  PIPELINE_FULL: { http: 503, grpc: GrpcStatus.UNAVAILABLE },
  SHUTTING_DOWN: { http: 503, grpc: GrpcStatus.UNAVAILABLE },
  WRITE_FAILED: { http: 503, grpc: GrpcStatus.UNAVAILABLE },
  CONFIG_INVALID: { http: 500, grpc: GrpcStatus.INTERNAL },
  INTERNAL: { http: 500, grpc: GrpcStatus.INTERNAL },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Where in a query's text it went wrong: offset 0-based, line and column 1-based. */
export interface TextPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export interface ClewErrorOptions {
  /** Set on errors the client should retry later. */
  readonly retryAfterSeconds?: number;
  /** For BAD_PARAMETER: which parameter was wrong, for APIs whose envelope names it. */
  readonly parameter?: string;
  /** For a query that does not parse: where it went wrong. */
  readonly position?: TextPosition;
  readonly cause?: unknown;
}

/** The one error type; each protocol's handler writes it in that protocol's envelope. */
export class ClewError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterSeconds: number | undefined;
  readonly parameter: string | undefined;
  readonly position: TextPosition | undefined;

  constructor(code: ErrorCode, message: string, opts: ClewErrorOptions = {}) {
    super(message, { cause: opts.cause });
    this.name = 'ClewError';
    this.code = code;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.parameter = opts.parameter;
    this.position = opts.position;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  /** What fastify's own error handler answers with, where no API's handler covers a route (MCP, the UI). */
  get statusCode(): number {
    return this.httpStatus;
  }

  get grpcStatus(): GrpcStatus {
    return ERROR_CODES[this.code].grpc;
  }
}

/** Any thrown value as a ClewError; what was not one is an internal error. */
export function asClewError(err: unknown): ClewError {
  if (err instanceof ClewError) return err;
  return new ClewError('INTERNAL', 'internal error', { cause: err });
}
