import type { Span } from '@clew/model';
import type { Processor, ProcessorOutput } from './processor.js';

/** 2^56: randomness and thresholds are 56-bit (OpenTelemetry's consistent probability sampling). */
const MAX = 1n << 56n;

export interface HeadSamplingOptions {
  readonly name?: string;
  /** Fraction of traces kept, in (0, 1]. */
  readonly probability: number;
}

/** The rejection threshold T for a probability: a span is kept when its randomness R >= T. */
export function thresholdOf(probability: number): bigint {
  // (1 - p) · 2^56, rounded; computed on p's bits so that p = 1 gives exactly 0 and tiny p stays below 2^56.
  const kept = BigInt(Math.round(probability * 2 ** 56));
  return MAX - (kept > MAX ? MAX : kept < 1n ? 1n : kept);
}

/** `th`'s text: 14 hex digits without trailing zeros ("0" for T = 0, keep everything). */
export function thresholdText(t: bigint): string {
  return t === 0n ? '0' : t.toString(16).padStart(14, '0').replace(/0+$/, '');
}

/** The OpenTelemetry member (`ot=…`) of a tracestate, its fields, and the other members in order. */
export function parseOtTraceState(traceState: string): { ot: Map<string, string>; others: string[] } {
  const ot = new Map<string, string>();
  const others: string[] = [];
  for (const raw of traceState.split(',')) {
    const member = raw.trim();
    if (member === '') continue;
    if (member.startsWith('ot=')) {
      for (const field of member.slice(3).split(';')) {
        const colon = field.indexOf(':');
        if (colon > 0) ot.set(field.slice(0, colon), field.slice(colon + 1));
      }
    } else others.push(member);
  }
  return { ot, others };
}

/** A `th` value as a threshold, or undefined when absent or malformed (1 to 14 hex digits, padded with zeros). */
export function parseThreshold(th: string | undefined): bigint | undefined {
  if (th === undefined || !/^[0-9a-f]{1,14}$/.test(th)) return undefined;
  return BigInt('0x' + th.padEnd(14, '0'));
}

/** R: the tracestate's `rv` when valid (14 hex digits), else the trace id's last 7 bytes. */
function randomnessOf(traceId: string, ot: Map<string, string>): bigint {
  const rv = ot.get('rv');
  return rv !== undefined && /^[0-9a-f]{14}$/.test(rv) ? BigInt('0x' + rv) : BigInt('0x' + traceId.slice(18));
}

/**
 * Probabilistic head sampling, consistent by trace id as OpenTelemetry's consistent probability sampling specifies:
 * every span of a trace gets the same decision here and in any other sampler of the scheme. A span that arrives
 * already sampled upstream (`ot=th:…` in its tracestate) is kept only when it passes the stricter of the two
 * thresholds, and a kept span records the threshold it passed in `th`, so its adjusted count (2^56 / (2^56 − T))
 * is known downstream: span metrics count it that many times.
 * @example headSamplingProcessor({ probability: 0.25 })
 */
export function headSamplingProcessor(opts: HeadSamplingOptions): Processor {
  const t = thresholdOf(opts.probability);
  const th = thresholdText(t);
  return {
    name: opts.name ?? 'headSampling',
    process(spans): ProcessorOutput {
      if (t === 0n) return { spans, dropped: 0, modified: 0 };
      const out: Span[] = [];
      let modified = 0;
      for (const s of spans) {
        const { ot, others } = parseOtTraceState(s.traceState);
        const upstream = parseThreshold(ot.get('th'));
        const effective = upstream !== undefined && upstream > t ? upstream : t;
        if (randomnessOf(s.traceId, ot) < effective) continue;
        if (upstream !== undefined && upstream >= t) {
          out.push(s);
          continue;
        }
        // The modified member moves to the front, as W3C Trace Context asks.
        ot.set('th', th);
        const member = 'ot=' + [...ot].map(([k, v]) => `${k}:${v}`).join(';');
        out.push({ ...s, traceState: [member, ...others].join(',') });
        modified++;
      }
      const dropped = spans.length - out.length;
      return { spans: out, dropped, modified, ...(dropped > 0 && { dropReason: 'sampled_out' }) };
    },
  };
}
