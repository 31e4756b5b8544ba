/** Clew's OTLP/HTTP receiver on this machine. */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4318';

/**
 * The URL spans are posted to: `${endpoint}/v1/traces` for an explicit endpoint, else
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given, else `${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`, else Clew's default.
 */
export function tracesUrl(endpoint: string | undefined, env: NodeJS.ProcessEnv): string {
  if (endpoint) return appendPath(endpoint);
  const signal = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (signal) return signal;
  return appendPath(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || DEFAULT_ENDPOINT);
}

function appendPath(base: string): string {
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}
