import { apiFetch } from './api-fetch.js';
import { ApiError } from './api-error.js';

/**
 * GETs JSON from the native API. Network failures become `unreachable`; error replies carry the server's
 * `{error:{code,message}}` so pages can tell "not found" from "server down". `token` checks a token before it is kept
 * (see apiFetch).
 */
export async function fetchJson<T>(url: string, signal?: AbortSignal, token?: string): Promise<T> {
  let res: Response;
  try {
    res = await apiFetch(url, { signal, headers: { accept: 'application/json' } }, token);
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError('unreachable', 0, 'unreachable', 'The Clew API could not be reached.');
  }
  const text = await res.text();
  if (!res.ok) throw errorFromBody(res.status, text);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError('response', res.status, 'bad_response', `The API answered ${url} with something that is not JSON.`);
  }
}

function errorFromBody(status: number, text: string): ApiError {
  // A dev proxy answers 502/504 with an HTML page when the server is down: that is "unreachable", not an API error.
  if (status === 502 || status === 504) return new ApiError('unreachable', status, 'unreachable', 'The Clew API could not be reached.');
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; parameter?: string; position?: { offset: number; line: number; column: number } } };
    if (body.error?.message) {
      const { parameter, position } = body.error;
      return new ApiError('response', status, body.error.code ?? String(status), body.error.message, { ...(parameter !== undefined && { parameter }), ...(position !== undefined && { position }) });
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError('response', status, String(status), text.slice(0, 200) || `HTTP ${status}`);
}

/**
 * Sends JSON to the native API (POST, PUT) or deletes (DELETE, no body) and reads the JSON reply, if any; errors
 * become ApiErrors as with fetchJson, so a form can show the server's message and the field it names.
 */
export async function sendJson<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<T | undefined> {
  let res: Response;
  try {
    res = await apiFetch(url, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError('unreachable', 0, 'unreachable', 'The Clew API could not be reached.');
  }
  const text = await res.text();
  if (!res.ok) throw errorFromBody(res.status, text);
  return text === '' ? undefined : (JSON.parse(text) as T);
}
