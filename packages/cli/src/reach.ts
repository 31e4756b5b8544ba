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
    throw new Error(`cannot reach ${url.split('?')[0]} (${why})${hint === undefined ? '' : `: ${hint}`}`, { cause: e });
  }
}
