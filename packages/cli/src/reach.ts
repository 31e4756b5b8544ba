/**
 * `fetch`, with a failure to connect said as what it is: the address and why (ECONNREFUSED, ENOTFOUND, …), where
 * Node's own error says only "fetch failed". `hint` tells what to check.
 */
export async function reach(url: string, init?: RequestInit, hint?: string): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    const { code, detail } = noAnswer(e);
    throw new CannotReach(`cannot reach ${url.split('?')[0]} (${code ?? detail})${hint === undefined ? '' : `: ${hint}`}`, code === 'ECONNREFUSED', e);
  }
}

/** What to check when a Clew's query port does not answer. */
export const QUERY_PORT_HINT = "is it the Clew's query port? (--url)";

/** Why a fetch got no answer: the system's code (ECONNREFUSED, ENOTFOUND, …) when it gives one, and its text. */
export function noAnswer(e: unknown): { code: string | undefined; detail: string } {
  const cause = (e as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
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
