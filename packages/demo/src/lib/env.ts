/** A required setting from the environment the demo's launcher gives each service; missing means a launcher bug. */
export function requiredEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: start the shop with startDemo() or \`clew demo\``);
  return v;
}

/** A numeric setting from the environment, or `fallback` when unset. */
export function numberEnv(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, not "${v}"`);
  return n;
}
