import type { JaegerBatch, JaegerSpan } from '@clew/codecs';
import { SpanRefType } from '@clew/codecs';
import { jaegerTag as tag } from './jaeger-thrift-writer.js';

/** A span with the required fields set and nothing else. */
export function jaegerSpan(over: Partial<JaegerSpan> = {}): JaegerSpan {
  return {
    traceIdLow: 0x0102030405060708n,
    traceIdHigh: 0x1112131415161718n,
    spanId: 0x2122232425262728n,
    parentSpanId: 0n,
    operationName: 'op',
    references: [],
    flags: 1,
    startTime: 1_700_000_000_000_000n,
    duration: 1500n,
    tags: [],
    logs: [],
    ...over,
  };
}

/**
 * One batch using every part of jaeger.thrift:
 *
 *   frontend  GET /checkout  (server, sampled)          ├────────────────────┤
 *     └─ CHILD_OF  charge   (client, error, log)           ├──────────┤
 *          └─ FOLLOWS_FROM notify (no parentSpanId; link to another trace)  ├───┤
 */
export const FULL_BATCH: JaegerBatch = {
  process: {
    serviceName: 'frontend',
    tags: [tag('hostname', 'web-1'), tag('jaeger.version', 'Node-3.19.0'), tag('ip', '10.0.0.7'), tag('client-uuid', 'c0ffee')],
  },
  spans: [
    jaegerSpan({
      operationName: 'GET /checkout',
      // A negative signed value: ids are unsigned on every other wire.
      spanId: -0x1n,
      tags: [
        tag('span.kind', 'server'),
        tag('http.status_code', 200),
        tag('sampler.param', true),
        tag('ratio', 0.25, true),
        tag('big', 9_007_199_254_740_993n),
        tag('raw', new Uint8Array([0, 1, 254, 255])),
        tag('w3c.tracestate', 'congo=t61rcWkgMzE'),
        tag('otel.library.name', 'express'),
        tag('otel.library.version', '4.18.2'),
      ],
    }),
    jaegerSpan({
      operationName: 'charge',
      spanId: 0x3132333435363738n,
      parentSpanId: -0x1n,
      flags: 3,
      startTime: 1_700_000_000_000_200n,
      duration: 800n,
      references: [{ refType: SpanRefType.CHILD_OF, traceIdLow: 0x0102030405060708n, traceIdHigh: 0x1112131415161718n, spanId: -0x1n }],
      tags: [tag('span.kind', 'client'), tag('error', true), tag('otel.status_description', 'card declined'), tag('peer.service', 'payments')],
      logs: [
        { timestamp: 1_700_000_000_000_500n, fields: [tag('event', 'retry'), tag('attempt', 2)] },
        { timestamp: 1_700_000_000_000_600n, fields: [tag('message', 'gave up')] },
      ],
    }),
    jaegerSpan({
      operationName: 'notify',
      spanId: 0x4142434445464748n,
      startTime: 1_700_000_000_001_000n,
      duration: 100n,
      references: [
        { refType: SpanRefType.FOLLOWS_FROM, traceIdLow: 0x0102030405060708n, traceIdHigh: 0x1112131415161718n, spanId: 0x3132333435363738n },
        { refType: SpanRefType.CHILD_OF, traceIdLow: 0x77n, traceIdHigh: 0n, spanId: 0x88n },
      ],
      tags: [tag('span.kind', 'producer'), tag('otel.scope.name', 'notifier'), tag('otel.scope.version', '1.0')],
    }),
  ],
};
