/**
 * A request Zipkin's query API would refuse, with its status and text: Zipkin answers IllegalArgumentException
 * with 400 and the exception's message as a plain-text body, and an unknown trace with 404 "<id> not found".
 */
export class ZipkinApiError extends Error {
  override readonly name = 'ZipkinApiError';
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string): ZipkinApiError => new ZipkinApiError(400, message);
