import type { OtlpJsonResourceSpans, OtlpJsonSpan } from '@clew/codecs';
import { encodeOtlpJson } from '@clew/codecs';
import type { Span } from '@clew/model';

const KIND_NAMES = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

/** A span as Tempo's JSON renders it: see {@link tempoResourceSpans}. */
type TempoJsonSpan = Omit<OtlpJsonSpan, 'kind' | 'status'> & { kind?: string; status?: { message?: string; code?: string } };

/**
 * Spans as Tempo writes a trace in JSON (gogo/protobuf's jsonpb of tempopb.Trace): OTLP's ResourceSpans, except
 * that ids are bytes and so base64, and enums are their names (`SPAN_KIND_SERVER`, `STATUS_CODE_ERROR`), as
 * jsonpb writes them. Grafana reads either spelling; scripts written against Tempo expect this one.
 */
export function tempoResourceSpans(spans: readonly Span[]): unknown[] {
  return encodeOtlpJson(spans).resourceSpans.map((rs: OtlpJsonResourceSpans) => ({
    ...rs,
    scopeSpans: (rs.scopeSpans ?? []).map((ss) => ({ ...ss, spans: (ss.spans ?? []).map(tempoSpan) })),
  }));
}

function tempoSpan(s: OtlpJsonSpan): TempoJsonSpan {
  const { kind, status, ...rest } = s;
  const out: TempoJsonSpan = {
    ...rest,
    traceId: hexToBase64(s.traceId),
    spanId: hexToBase64(s.spanId),
    ...(s.parentSpanId !== undefined && { parentSpanId: hexToBase64(s.parentSpanId) }),
    ...(s.links !== undefined && { links: s.links.map((l) => ({ ...l, traceId: hexToBase64(l.traceId), spanId: hexToBase64(l.spanId) })) }),
    ...(kind !== undefined && { kind: KIND_NAMES[kind] ?? String(kind) }),
    ...(status !== undefined && {
      status: { ...(status.message !== undefined && { message: status.message }), ...(status.code !== undefined && { code: STATUS_NAMES[status.code] ?? String(status.code) }) },
    }),
  };
  return out;
}

/** Hex id text as the base64 of its bytes. */
export const hexToBase64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
