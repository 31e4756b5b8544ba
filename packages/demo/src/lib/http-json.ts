/** A downstream service answered with a status other than 2xx. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    readonly body: unknown,
  ) {
    super(`${url} answered ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
  }
}

/**
 * Calls another service with a JSON body (if any) and returns its JSON answer; non-2xx answers throw HttpError.
 * Service-to-service calls use the global fetch, which the SDK's undici instrumentation traces and propagates through.
 */
export async function callJson<T = unknown>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text for the error message
  }
  if (!res.ok) throw new HttpError(res.status, url, parsed);
  return parsed as T;
}
