import { register } from 'node:module';

const REGISTERED = Symbol.for('@clew/node.esm-hook');

/**
 * Registers OpenTelemetry's ESM loader hook (import-in-the-middle), so that modules loaded with `import` after this
 * call can be patched by the instrumentations, as `require` hooks patch CommonJS ones. Once per process.
 */
export function registerEsmHook(): void {
  const g = globalThis as { [REGISTERED]?: boolean };
  if (g[REGISTERED]) return;
  g[REGISTERED] = true;
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
}
