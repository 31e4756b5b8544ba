/**
 * `fetch`, with a failure to connect said as what it is: the address and why (ECONNREFUSED, ENOTFOUND, …), where
 * Node's own error says only "fetch failed". `hint` tells what to check.
 */
export async function reach(url: string, init?: RequestInit, hint?: string): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
    const why = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : (e as Error).message;
    throw new CannotReach(`cannot reach ${url.split('?')[0]} (${why})${hint === undefined ? '' : `: ${hint}`}`, why === 'ECONNREFUSED', e);
  }
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

/** What a Clew answered to a failed request, said short: its JSON error's message, or the start of its text. */
export async function answerOf(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    if (typeof body.message === 'string') return body.message;
    if (typeof body.error === 'string') return body.error;
  } catch {
    // Not JSON: the text as it is.
  }
  return text.slice(0, 500);
}
