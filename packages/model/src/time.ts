/**
 * Nanoseconds since the Unix epoch. A bigint, because nanosecond timestamps do not fit a JS number (2^53 ns is
 * about 104 days): every timestamp in the model is exact to the nanosecond.
 */
export type UnixNanos = bigint & { readonly __brand: 'UnixNanos' };
/** A length of time in nanoseconds. */
export type Nanos = bigint & { readonly __brand: 'Nanos' };
/** Microseconds since the epoch or a duration in microseconds, as Jaeger's and Zipkin's APIs speak. */
export type Micros = number & { readonly __brand: 'Micros' };
/** Milliseconds since the epoch, as Date.now() returns. */
export type Millis = number & { readonly __brand: 'Millis' };

export const NANOS_PER_MICRO = 1000n;
export const NANOS_PER_MILLI = 1_000_000n;

export const unixNanos = (n: bigint): UnixNanos => n as UnixNanos;
export const nanos = (n: bigint): Nanos => n as Nanos;

/** Now, as nanoseconds since the epoch (millisecond precision). */
export function nowNanos(): UnixNanos {
  return (BigInt(Date.now()) * NANOS_PER_MILLI) as UnixNanos;
}

/** Nanoseconds to microseconds, truncating (exact for any timestamp before the year 2255). */
export function nanosToMicros(n: bigint): Micros {
  return Number(n / NANOS_PER_MICRO) as Micros;
}

export function microsToNanos(us: number): bigint {
  return BigInt(Math.trunc(us)) * NANOS_PER_MICRO;
}

export function millisToNanos(ms: number): UnixNanos {
  return (BigInt(Math.trunc(ms)) * NANOS_PER_MILLI) as UnixNanos;
}

export function nanosToMillis(n: bigint): Millis {
  return Number(n / NANOS_PER_MILLI) as Millis;
}
