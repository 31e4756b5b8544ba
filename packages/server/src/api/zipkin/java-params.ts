import { ClewError } from '../../errors.js';

/**
 * Query parameters read as Zipkin's Armeria annotated service reads them: a missing mandatory one, or a number Java's
 * Long.parseLong / Integer.parseInt refuses, is a 400 with the message Zipkin gives.
 */
export class JavaParams {
  constructor(private readonly q: URLSearchParams) {}

  /** A string parameter; undefined when absent. */
  optional(name: string): string | undefined {
    return this.q.get(name) ?? undefined;
  }

  required(name: string): string {
    const v = this.q.get(name);
    if (v === null) throw new ClewError('BAD_PARAMETER', `Mandatory parameter/header is missing: ${name}`);
    return v;
  }

  /** A `long` parameter (64-bit); undefined when absent or empty. */
  long(name: string): bigint | undefined {
    const text = this.q.get(name);
    return text === null || text === '' ? undefined : parseJavaInteger(text, 64);
  }

  /** An `int` parameter (32-bit); undefined when absent or empty. */
  int(name: string): number | undefined {
    const text = this.q.get(name);
    return text === null || text === '' ? undefined : Number(parseJavaInteger(text, 32));
  }
}

/** Long.parseLong / Integer.parseInt: an optional sign and decimal digits within range; Java's message otherwise. */
export function parseJavaInteger(text: string, bits: 32 | 64): bigint {
  const invalid = () => new ClewError('BAD_PARAMETER', `For input string: "${text}"`);
  if (!/^[+-]?[0-9]+$/.test(text)) throw invalid();
  const v = BigInt(text);
  const max = (1n << BigInt(bits - 1)) - 1n;
  if (v > max || v < -max - 1n) throw invalid();
  return v;
}
