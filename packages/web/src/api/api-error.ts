/** Why a call to the native API failed: the server could not be reached, or it answered with an error body. */
export class ApiError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'response',
    readonly status: number,
    readonly code: string,
    message: string,
    /** The parameter the server refused and, for a TraceQL query, where in it the problem is. */
    readonly detail: { readonly parameter?: string; readonly position?: { readonly offset: number; readonly line: number; readonly column: number } } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get notFound(): boolean {
    return this.status === 404;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
