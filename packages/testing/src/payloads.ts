import { encodeOtlpProto } from '@clew/codecs';
import type { Span, UnixNanos } from '@clew/model';
import { makeTrace } from '@clew/model/testing';

/** One trace of `spans` spans (a root and its children) as model spans, starting now. */
export function traceOf(spans: number, service = 'load'): Span[] {
  const start = (BigInt(Date.now()) * 1_000_000n) as UnixNanos;
  return makeTrace(start, {
    service,
    name: 'GET /load',
    at: 0,
    ms: spans + 1,
    children: Array.from({ length: spans - 1 }, (_, i) => ({ service: `${service}-db`, name: `query ${i % 7}`, at: i, ms: 1 })),
  });
}

/** An OTLP/HTTP protobuf POST of `spans`. */
export function postProto(url: string, spans: readonly Span[], headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', ...headers },
    body: encodeOtlpProto(spans),
  });
}
