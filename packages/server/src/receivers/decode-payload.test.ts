import { encodeOtlpJson } from '@clew/codecs';
import { DEFAULT_TENANT, int, str } from '@clew/model';
import { makeSpan } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { ClewError } from '../errors.js';
import { PayloadFormat } from '../wal/record.js';
import { decodePayload, receive } from './decode-payload.js';

const bytes = (doc: unknown) => new TextEncoder().encode(JSON.stringify(doc));

describe('receive', () => {
  it('keeps OTLP/JSON as an exporter writes it as the protobuf it was read through, which the log replays as the same spans', () => {
    const spans = [
      makeSpan({ name: 'GET /cart', attributes: [{ key: 'http.route', value: str('/cart') }, { key: 'n', value: int(7) }] }),
      makeSpan({ name: 'SELECT', parentSpanId: null }),
    ];
    const json = bytes(encodeOtlpJson(spans));
    const batch = receive('otlp_http', PayloadFormat.OTLP_JSON, json, DEFAULT_TENANT);
    expect(batch.wire?.format).toBe(PayloadFormat.OTLP_PROTO);
    expect(batch.wire!.payload.length).toBeLessThan(json.length);
    // What a restart reads back from the log is what was received, and what the JSON itself decodes to.
    expect(decodePayload(batch.wire!.format, batch.wire!.payload).spans).toEqual(batch.spans);
    expect(batch.spans).toEqual(decodePayload(PayloadFormat.OTLP_JSON, json).spans);
    expect(batch.spans.map((s) => s.name)).toEqual(['GET /cart', 'SELECT']);
  });

  it('keeps OTLP/JSON outside the fast path as it came: a span refused there is refused when replayed too', () => {
    const good = encodeOtlpJson([makeSpan({ name: 'kept' })]);
    const doc = structuredClone(good);
    // A second span without a span id: decodeOtlpJson refuses it, and says why.
    const spans = doc.resourceSpans[0]!.scopeSpans![0]!.spans!;
    spans.push({ ...spans[0]!, spanId: '' });
    const json = bytes(doc);
    const batch = receive('otlp_http', PayloadFormat.OTLP_JSON, json, DEFAULT_TENANT);
    expect(batch.wire).toEqual({ format: PayloadFormat.OTLP_JSON, payload: json });
    expect(batch.spans.map((s) => s.name)).toEqual(['kept']);
    expect(batch.rejected).toBe(1);
  });

  it('names the format the client sent when its body is malformed', () => {
    const truncated = bytes(encodeOtlpJson([makeSpan({ name: 'x' })])).subarray(0, 40);
    expect(() => receive('otlp_http', PayloadFormat.OTLP_JSON, truncated, DEFAULT_TENANT)).toThrow(ClewError);
    expect(() => receive('otlp_http', PayloadFormat.OTLP_JSON, truncated, DEFAULT_TENANT)).toThrow(/^malformed OTLP JSON request: /);
  });
});
