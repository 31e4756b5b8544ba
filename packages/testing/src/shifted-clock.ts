/** As a file URL, which NODE_OPTIONS takes whatever the path holds. */
const PRELOAD = new URL('../dist/shifted-clock-preload.js', import.meta.url).href;

/**
 * The environment that starts a real `clew serve` with its wall clock `shiftMs` ahead (the built preload module,
 * imported before Clew's own code): an injected clock for a process, for retention tests.
 * @example await startClewProcess(dir, [], shiftedClock(8 * 86_400_000))
 */
export function shiftedClock(shiftMs: number): Record<string, string> {
  return { NODE_OPTIONS: `--import ${PRELOAD}`, CLEW_TEST_CLOCK_SHIFT_MS: String(shiftMs) };
}
