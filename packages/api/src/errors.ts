import { z } from 'zod';

/** Every error code the native API answers with, and its HTTP status. */
export const API_ERROR_STATUS = {
  /** A query parameter or path parameter is missing or malformed; the message names it. */
  BAD_PARAMETER: 400,
  /** No trace has the requested id (within the window, when one was given). */
  TRACE_NOT_FOUND: 404,
  /** The trace has no span with the requested id. */
  SPAN_NOT_FOUND: 404,
  /** No route matches under /api/clew/v1. */
  NOT_FOUND: 404,
  /** Auth is on and the request carries no token, or one Clew does not know (`Authorization: Bearer …`). */
  UNAUTHENTICATED: 401,
  /** The token is known but may not do this: a write token reading, or a tenant it does not hold. */
  FORBIDDEN: 403,
  /** A request body over the size the server takes (e.g. an archive note's). */
  PAYLOAD_TOO_LARGE: 413,
  /** The server is already doing as much of this as it does at once (a range archive); `Retry-After` says when to try again. */
  RATE_LIMITED: 429,
  INTERNAL: 500,
  /** The server is stopping: what it was answering (an export under way) ended with it; ask another, or again later. */
  SHUTTING_DOWN: 503,
} as const;

export const ApiErrorCodeSchema = z.enum(['BAD_PARAMETER', 'TRACE_NOT_FOUND', 'SPAN_NOT_FOUND', 'NOT_FOUND', 'UNAUTHENTICATED', 'FORBIDDEN', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED', 'INTERNAL', 'SHUTTING_DOWN']);
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;

/**
 * The one error shape of the native API.
 * @example { "error": { "code": "BAD_PARAMETER", "message": "parameter 'limit': expected an integer from 1 to 1000, got '0'", "parameter": "limit" } }
 */
export const ApiErrorBodySchema = z.object({
  error: z.object({
    code: ApiErrorCodeSchema,
    message: z.string(),
    /** For BAD_PARAMETER: which parameter was wrong. */
    parameter: z.string().optional(),
    /** For a TraceQL parse error (parameter `q`): where the query went wrong; offset 0-based, line and column 1-based. */
    position: z.object({ offset: z.number().int(), line: z.number().int(), column: z.number().int() }).optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;
