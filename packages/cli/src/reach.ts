import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * `fetch`, with a failure to connect said as what it is: the address and why (ECONNREFUSED, ENOTFOUND, …), where
 * Node's own error says only "fetch failed". `hint` tells what to check.
 */
export async function reach(url: string, init?: RequestInit, hint?: string): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    throw cannotReach(url, e, hint);
  }
}

/** A request that got no answer, said as what it is: the address, the system's code or the reason, and what to check. */
function cannotReach(url: string, e: unknown, hint: string | undefined): CannotReach {
  const { code, detail } = noAnswer(e);
  return new CannotReach(`cannot reach ${url.split('?')[0]} (${code ?? detail})${hint === undefined ? '' : `: ${hint}`}`, code === 'ECONNREFUSED', e);
}

/** An answer read whole. */
export interface Answer {
  readonly status: number;
  readonly ok: boolean;
  header(name: string): string | null;
  readonly body: Buffer;
}

/** As long as `fetch` waits for a connection, and for an answer's headers. */
const CONNECT_TIMEOUT_MS = 10_000;
const ANSWER_TIMEOUT_MS = 300_000;

/**
 * POSTs `parts` as one body, written to the socket piece by piece. `fetch` would need them joined first and then
 * copies the joined body again: for `clew import --url`, megabytes a request, those copies were most of its main
 * thread's garbage, and the collections they caused cost more CPU than everything else that thread did (a JSON
 * import of 500,000 spans: 72 full collections and 8.6 CPU s; 37 and 6.8 written piece by piece). Failing to
 * connect is said as `reach` says it. Never sent again by itself: a request the server may have taken is the caller's
 * to decide about (an import holds it in doubt). `fresh` sends it on a new connection, not one kept alive, which a
 * server may have closed meanwhile (after a wait it asked for with Retry-After).
 */
export function postParts(url: string, headers: Record<string, string>, parts: readonly Uint8Array[], hint: string, fresh = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let length = 0;
    for (const p of parts) length += p.length;
    const send = new URL(url).protocol === 'https:' ? httpsRequest : httpRequest;
    const options = { method: 'POST', headers: { ...headers, 'content-length': String(length) }, ...(fresh && { agent: false as const }) };
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => reject(new Error(`${url.split('?')[0]} broke off its answer: ${e.message}`, { cause: e })));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const header = (name: string) => {
          const v = res.headers[name.toLowerCase()];
          return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
        };
        resolve({ status, ok: status >= 200 && status < 300, header, body: Buffer.concat(chunks) });
      });
    });
    req.on('socket', (socket) => {
      socket.setTimeout(socket.connecting ? CONNECT_TIMEOUT_MS : ANSWER_TIMEOUT_MS);
      if (socket.connecting) socket.once('connect', () => socket.setTimeout(ANSWER_TIMEOUT_MS));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => reject(cannotReach(url, e, hint)));
    for (const p of parts) req.write(p);
    req.end();
  });
}

/** What to check when a Clew's query port does not answer. */
export const QUERY_PORT_HINT = "is it the Clew's query port? (--url)";

/**
 * Why a request got no answer: the system's code (ECONNREFUSED, ENOTFOUND, …) when it gives one, and its text. A
 * fetch's failure carries them in its cause, node:http's error itself.
 */
export function noAnswer(e: unknown): { code: string | undefined; detail: string } {
  const cause = (e as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown } | undefined)?.code ?? (e as { code?: unknown } | undefined)?.code;
  const detail = cause instanceof Error ? cause.message : e instanceof Error ? e.message : String(e);
  return { code: typeof code === 'string' ? code : undefined, detail };
}

/** A request that never got an answer; `refused` when the connection was refused, so nothing of it was sent. */
export class CannotReach extends Error {
  constructor(
    message: string,
    readonly refused: boolean,
    cause: unknown,
  ) {
    super(message, { cause });
  }
}

/**
 * What a Clew answered to a failed request, said short: its JSON error's message (the native API's
 * `{"error": {"code", "message"}}`, or a plain `{"message"}` or `{"error": "…"}`), or the start of its text.
 */
export async function answerOf(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    if (typeof body.message === 'string') return body.message;
    if (typeof body.error === 'string') return body.error;
    const nested = (body.error as { message?: unknown } | null | undefined)?.message;
    if (typeof nested === 'string') return nested;
  } catch {
    // Not JSON: the text as it is.
  }
  return text.slice(0, 500);
}
