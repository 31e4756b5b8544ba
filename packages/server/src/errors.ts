import { status as GrpcStatus } from '@grpc/grpc-js';

/** Every error Clew reports on purpose, with how it maps to HTTP and gRPC. */
export const ERROR_CODES = {
  MALFORMED_REQUEST: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, grpc: GrpcStatus.INVALID_ARGUMENT },
  PAYLOAD_TOO_LARGE: { http: 413, grpc: GrpcStatus.RESOURCE_EXHAUSTED },
  PIPELINE_FULL: { http: 503, grpc: GrpcStatus.UNAVAILABLE },
  SHUTTING_DOWN: { http: 503, grpc: GrpcStatus.UNAVAILABLE },
  WRITE_FAILED: { http: 503, grpc: GrpcStatus.UNAVAILABLE },
  CONFIG_INVALID: { http: 500, grpc: GrpcStatus.INTERNAL },
  INTERNAL: { http: 500, grpc: GrpcStatus.INTERNAL },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error type; `retryAfterSeconds` is set on errors the client should retry later. */
export class ClewError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, opts: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'ClewError';
    this.code = code;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
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
