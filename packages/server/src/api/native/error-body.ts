import type { ApiErrorBody, ApiErrorCode } from '@clew/api';
import { API_ERROR_STATUS } from '@clew/api';
import type { ClewError, ErrorCode } from '../../errors.js';

const isApiErrorCode = (code: ErrorCode): code is ErrorCode & ApiErrorCode => Object.hasOwn(API_ERROR_STATUS, code);

/**
 * A ClewError as the native API answers it: its own codes as they are; any other refusal (fastify's: a body it
 * cannot parse and the like) as BAD_PARAMETER, and any other failure as INTERNAL, since the UI knows only these codes.
 */
export function nativeErrorReply(err: ClewError): { status: number; body: ApiErrorBody } {
  if (!isApiErrorCode(err.code) && err.httpStatus >= 500) {
    return { status: API_ERROR_STATUS.INTERNAL, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
  }
  const code: ApiErrorCode = isApiErrorCode(err.code) ? err.code : 'BAD_PARAMETER';
  const { parameter, position } = err;
  return {
    status: API_ERROR_STATUS[code],
    body: {
      error: {
        code,
        message: err.message,
        ...(parameter !== undefined && { parameter }),
        ...(position !== undefined && { position: { offset: position.offset, line: position.line, column: position.column } }),
      },
    },
  };
}
