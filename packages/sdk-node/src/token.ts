/**
 * The token Clew's APIs ask for when `auth.tokens` is configured: the `token` option, else `CLEW_TOKEN`; undefined
 * when neither is set (a Clew without auth needs none).
 */
export function tokenOf(token: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return token?.trim() || env.CLEW_TOKEN?.trim() || undefined;
}

/** The `authorization` header that carries `token`, or no header without one. */
export function bearer(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}
