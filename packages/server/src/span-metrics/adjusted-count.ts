import { parseOtTraceState, parseThreshold } from '../pipeline/processors/head-sampling.js';

const TWO_56 = 2 ** 56;
const cache = new Map<string, number>();
const CACHE_MAX = 1024;

/**
 * How many spans one span stands for: 1, or 2^56 / (2^56 − T) when OpenTelemetry's consistent probability sampling
 * recorded the threshold T it passed in its tracestate (`ot=th:…`), so span metrics count what was really served.
 * Tracestates repeat, so the answer is remembered per text (a few hundred distinct ones at most in practice).
 */
export function adjustedCount(traceState: string): number {
  if (traceState === '' || !traceState.includes('th:')) return 1;
  let n = cache.get(traceState);
  if (n === undefined) {
    const t = parseThreshold(parseOtTraceState(traceState).ot.get('th'));
    n = t === undefined ? 1 : TWO_56 / (TWO_56 - Number(t));
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(traceState, n);
  }
  return n;
}
