/**
 * Test helper: mulberry32, a small seeded generator (the one bench/lib/generate.js makes its data with), so a
 * statistical test draws the same sequence on every run.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Log-normal latencies in milliseconds around `medianMs` (Box–Muller on the seeded generator). */
export function seededLatencies(seed: number, medianMs: number, sigma = 0.6): () => number {
  const random = seededRandom(seed);
  return () => {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return medianMs * Math.exp(sigma * z);
  };
}
