/**
 * Waits a realistic, jittered time for work the demo does not really do (rendering, a remote card network):
 * log-normal around `medianMs`, so most calls land near it and a few take several times longer, as real services do.
 */
export function think(medianMs: number): Promise<void> {
  const ms = Math.min(medianMs * Math.exp(0.45 * normal()), medianMs * 8);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A standard normal sample (Box–Muller). */
function normal(): number {
  const u = 1 - Math.random();
  const v = Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
