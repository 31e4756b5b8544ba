/**
 * The short names an `OTEL_NODE_ENABLED_INSTRUMENTATIONS` / `OTEL_NODE_DISABLED_INSTRUMENTATIONS` value lists
 * (`http, dns` → `['http', 'dns']`), empty when the variable is unset or blank.
 */
export function namesFromEnv(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Whether the environment lets an instrumentation Clew adds itself (outside auto-instrumentations-node) run:
 * not in the disabled list, and in the enabled list when there is one — the rules auto-instrumentations-node
 * applies to its own.
 */
export function enabledByEnv(short: string, env: NodeJS.ProcessEnv): boolean {
  if (namesFromEnv(env.OTEL_NODE_DISABLED_INSTRUMENTATIONS).includes(short)) return false;
  const enabled = namesFromEnv(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS);
  return enabled.length === 0 || enabled.includes(short);
}
