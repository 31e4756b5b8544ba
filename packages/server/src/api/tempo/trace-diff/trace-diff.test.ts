import type { Attributes, Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { dbl, SpanKind, str, StatusCode } from '@clew/model';
import { makeResource, makeSpan } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { goJson } from './go-json.js';
import type { GoValue } from './go-json.js';
import { diffTraces } from './patch.js';
import { parseTraceDiffRequest } from './request.js';
import { compose, summarize } from './summary.js';

/*
 * Cases ported from Tempo's pkg/model/tracediff/diff_test.go and summary_test.go, built as its spanForNormalizeTest
 * builds spans: ids are the bytes of short names (here their hex), service.name is a span attribute, times are ms
 * after an offset.
 */
const OFFSET_MS = 1_700_000_000_000n;
const hex = (s: string): string => Buffer.from(s).toString('hex'); // longer than 8 bytes at times: the pure functions do not mind
const TRACE = '74726163652d69642d30303030303031' as TraceId; // "trace-id-0000001"
type Kind = (typeof SpanKind)[keyof typeof SpanKind];

function span(id: string, parent: string, service: string, name: string, kind: Kind, start: number, end: number, status: number = StatusCode.OK, extra: Attributes = []): Span {
  return makeSpan({
    traceId: TRACE,
    spanId: hex(id) as SpanId,
    parentSpanId: parent === '' ? null : (hex(parent) as SpanId),
    name,
    kind,
    startTimeUnixNano: ((OFFSET_MS + BigInt(start)) * 1_000_000n) as UnixNanos,
    endTimeUnixNano: ((OFFSET_MS + BigInt(end)) * 1_000_000n) as UnixNanos,
    attributes: [{ key: 'service.name', value: str(service) }, ...extra],
    status: { code: status as Span['status']['code'], message: '' },
    resource: makeResource('from-resource'),
  });
}

/** The answer as a client reads it: Go's JSON text, parsed. */
const json = (v: unknown): Record<string, unknown> => JSON.parse(goJson(v as GoValue)) as Record<string, unknown>;
const patch = (a: Span[], b: Span[]) => json(diffTraces(a, b).patch);
const { SERVER, CLIENT } = SpanKind;

describe('trace-patch-v0 (Tempo diff_test.go)', () => {
  it('TestDiffReportsAddedAndRemovedSpans', () => {
    const got = patch(
      [span('root', '', 'checkout', 'POST /checkout', SERVER, 0, 100), span('old_child', 'root', 'inventory', 'old reserve', CLIENT, 10, 20)],
      [span('root', '', 'checkout', 'POST /checkout', SERVER, 0, 100), span('new_child', 'root', 'inventory', 'new reserve', CLIENT, 10, 20)],
    );
    expect(got.stats).toEqual({ spanCountA: 2, spanCountB: 2, matchedSpans: 1, modifiedSpans: 0, addedSpans: 1, removedSpans: 1, fieldChanges: 0, attributeChanges: 0, eventChanges: 0, truncated: false });
    expect(got.added).toEqual([
      { target: { type: 'span', parentPath: [0], index: 0 }, span: { path: [0, 0], service: 'inventory', name: 'new reserve', kind: 'client', duration_nanos: 10_000_000, status: 'ok' } },
    ]);
    expect(got.removed).toEqual([
      { target: { type: 'span', path: [0, 0] }, span: { path: [0, 0], service: 'inventory', name: 'old reserve', kind: 'client', duration_nanos: 10_000_000, status: 'ok' } },
    ]);
    expect(got.base).toEqual({ traceId: TRACE, spanCount: 2 });
    expect(got.warnings).toEqual([]);
    expect(Object.keys(got)).toEqual(['version', 'base', 'compare', 'stats', 'modified', 'added', 'removed', 'warnings']);
  });

  it('TestDiffMatchesUnchangedSubtreeAfterInsertedAncestor', () => {
    const got = patch(
      [
        span('base-root', '', 'gateway', 'GET /checkout', SERVER, 0, 200),
        span('base-a', 'base-root', 'auth', 'authorize', SERVER, 10, 180),
        span('base-b', 'base-a', 'inventory', 'reserve', SERVER, 20, 150),
        span('base-c', 'base-b', 'db', 'persist', SERVER, 30, 120),
      ],
      [
        span('cmp-root', '', 'gateway', 'GET /checkout', SERVER, 0, 200),
        span('cmp-x', 'cmp-root', 'proxy', 'forward', SERVER, 5, 190),
        span('cmp-a', 'cmp-x', 'auth', 'authorize', SERVER, 10, 180),
        span('cmp-b', 'cmp-a', 'inventory', 'reserve', SERVER, 20, 150),
        span('cmp-c', 'cmp-b', 'db', 'persist', SERVER, 30, 120),
      ],
    );
    expect(got.stats).toMatchObject({ matchedSpans: 4, addedSpans: 1, removedSpans: 0, modifiedSpans: 0 });
    expect((got.added as { span: { name: string } }[]).map((a) => a.span.name)).toEqual(['forward']);
  });

  it('TestDiffMatchesDuplicateSpanIdentityByParent', () => {
    const got = patch(
      [
        span('base-root', '', 'gateway', 'GET /checkout', SERVER, 0, 200),
        span('base-alpha', 'base-root', 'alpha', 'call alpha', SERVER, 10, 80),
        span('base-alpha-db', 'base-alpha', 'db', 'SELECT users', CLIENT, 20, 30),
        span('base-beta', 'base-root', 'beta', 'call beta', SERVER, 100, 180),
        span('base-beta-db', 'base-beta', 'db', 'SELECT users', CLIENT, 110, 150),
      ],
      [
        span('cmp-root', '', 'gateway', 'GET /checkout', SERVER, 0, 200),
        span('cmp-beta', 'cmp-root', 'beta', 'call beta', SERVER, 100, 180),
        span('cmp-beta-db', 'cmp-beta', 'db', 'SELECT users', CLIENT, 110, 150),
      ],
    );
    expect(got.stats).toMatchObject({ spanCountA: 5, spanCountB: 3, matchedSpans: 3, removedSpans: 2 });
    expect((got.removed as { span: { service: string; duration_nanos: number } }[]).filter((r) => r.span.service === 'db').map((r) => r.span.duration_nanos)).toEqual([10_000_000]);
  });

  it('TestDiffReportsModifiedSpanFields and TestDiffReportsSpanAttributeChanges', () => {
    const got = patch(
      [span('root', '', 'checkout', 'POST /checkout', SERVER, 0, 100, StatusCode.OK, [{ key: 'removed.attr', value: str('gone') }, { key: 'version', value: str('v1') }])],
      [span('root', '', 'checkout', 'POST /checkout', SERVER, 0, 250, StatusCode.ERROR, [{ key: 'added.attr', value: str('new') }, { key: 'version', value: str('v2') }])],
    );
    expect(got.modified).toEqual([
      {
        span: { path: [0], service: 'checkout', name: 'POST /checkout', kind: 'server' },
        changes: [
          { op: 'modify', target: { type: 'field', name: 'duration_nanos' }, before: 100_000_000, after: 250_000_000 },
          { op: 'modify', target: { type: 'field', name: 'status' }, before: 'ok', after: 'error' },
          { op: 'add', target: { type: 'attribute', scope: 'span', key: 'added.attr' }, before: null, after: 'new' },
          { op: 'remove', target: { type: 'attribute', scope: 'span', key: 'removed.attr' }, before: 'gone', after: null },
          { op: 'modify', target: { type: 'attribute', scope: 'span', key: 'version' }, before: 'v1', after: 'v2' },
        ],
      },
    ]);
    expect(got.stats).toMatchObject({ modifiedSpans: 1, fieldChanges: 2, attributeChanges: 3 });
  });

  it('keeps durations within 20% or 1 ms unchanged; NaN stays NaN and is written "NaN" when it changes', () => {
    const nan = [{ key: 'latency', value: dbl(NaN) }];
    expect(patch([span('r', '', 's', 'op', SERVER, 0, 100, StatusCode.OK, nan)], [span('r', '', 's', 'op', SERVER, 0, 119, StatusCode.OK, nan)]).modified).toEqual([]);
    const got = patch([span('r', '', 's', 'op', SERVER, 0, 100, StatusCode.OK, nan)], [span('r', '', 's', 'op', SERVER, 0, 100, StatusCode.OK, [{ key: 'latency', value: dbl(1.5) }])]);
    expect((got.modified as { changes: unknown[] }[])[0]!.changes).toEqual([{ op: 'modify', target: { type: 'attribute', scope: 'span', key: 'latency' }, before: 'NaN', after: 1.5 }]);
  });

  it('TestDiffWarnsAndUsesRawHighCardinalitySpanName', () => {
    const got = patch(
      [span('base-root', '', 'gateway', 'GET /checkout', SERVER, 0, 200), span('base-db', 'base-root', 'db', 'SELECT id=3f2a1b9c-0001', CLIENT, 10, 80)],
      [span('cmp-root', '', 'gateway', 'GET /checkout', SERVER, 0, 200), span('cmp-db', 'cmp-root', 'db', 'SELECT id=7c4e88d0-0002', CLIENT, 10, 80)],
    );
    expect(got.warnings).toEqual([
      {
        code: 'high_cardinality_span_name',
        message:
          'span name "SELECT id=3f2a1b9c-0001" for service "db" kind "client" appears to contain a high-cardinality token; matching uses raw span names, so equivalent operations with request-specific IDs may be reported as added/removed. Move request-specific IDs to span attributes.',
      },
    ]);
  });
});

describe('trace-summary-v0-native and -composed (Tempo summary_test.go, composed_test.go)', () => {
  const base = [span('root', '', 'checkout', 'POST /checkout', SERVER, 0, 100), span('db', 'root', 'db', 'SELECT', CLIENT, 10, 40)];
  const compare = [span('root', '', 'checkout', 'POST /checkout', SERVER, 0, 180, StatusCode.ERROR), span('db', 'root', 'db', 'SELECT', CLIENT, 10, 40), span('mail', 'root', 'mail', 'send', CLIENT, 50, 170)];

  it('summarizes envelopes, signals, trust and per-service rollups', () => {
    expect(json(summarize(base, compare))).toEqual({
      version: 'trace-summary-v0-native',
      base: { traceId: TRACE, rootService: 'checkout', rootName: 'POST /checkout', spanCount: 2, errorSpanCount: 0, durationMs: 100, sumSpanDurationMs: 130 },
      compare: { traceId: TRACE, rootService: 'checkout', rootName: 'POST /checkout', spanCount: 3, errorSpanCount: 1, durationMs: 180, sumSpanDurationMs: 330 },
      signals: { traceLatency: 'increased', sumSpanDuration: 'increased', errors: 'increased', spanCount: 'increased', structure: 'changed' },
      trust: { matchedSpanRatio: 2 / 3, structureOverlap: 1 },
      stats: { traceLatencyDeltaMs: 80, sumSpanDurationDeltaMs: 200, spanCountDelta: 1, errorSpanDelta: 1, matchedSpans: 2, modifiedSpans: 1, addedSpans: 1, removedSpans: 0, fieldChanges: 2, attributeChanges: 0 },
      changedServices: ['checkout', 'mail'],
      services: [
        { name: 'mail', sumSpanDurationDeltaMs: 120, modified: 0, added: 1, removed: 0, newErrors: 0, resolvedErrors: 0 },
        { name: 'checkout', sumSpanDurationDeltaMs: 80, modified: 1, added: 0, removed: 0, newErrors: 1, resolvedErrors: 0 },
      ],
    });
  });

  it('attaches the patch when it fits the budget, else says how big it was', () => {
    const attached = json(compose(base, compare));
    expect(Object.keys(attached)).toEqual(['version', 'summary', 'patch']);
    expect(attached.patch).toEqual(json(diffTraces(base, compare).patch));
    const omitted = json(compose(base, compare, 10));
    expect(omitted).toMatchObject({ version: 'trace-summary-v0-composed', patchOmitted: { bytes: goJson(diffTraces(base, compare).patch as unknown as GoValue).length, reason: 'over_budget' } });
  });
});

describe('the request body (Tempo api.ParseTraceDiffRequest)', () => {
  it.each([
    ['', 'invalid trace diff request body: EOF'],
    ['{"base":{"traceId":"abc"}}', 'compare.traceId is required'],
    ['{"base":{"traceId":"xyz"},"compare":{"traceId":"1"}}', "invalid base.traceId: trace IDs can only contain hex characters: invalid character 'x' at position 1"],
    ['{"base":{"traceId":"a","start":10,"end":10},"compare":{"traceId":"b"}}', 'base.start must be before base.end. received start=10 end=10'],
    ['{"base":{"traceId":"a"},"compare":{"traceId":"b"},"format":"nope"}', 'invalid format "nope": must be one of "trace-summary-v0-composed", "trace-patch-v0", "trace-summary-v0-native"'],
  ])('%s → %s', (body, message) => {
    expect(() => parseTraceDiffRequest(body)).toThrow(message);
  });

  it('defaults the format and reads keys without regard to case', () => {
    expect(parseTraceDiffRequest('{"Base":{"TraceID":"abc","start":5},"compare":{"traceId":"DEF"}}')).toEqual({
      base: { traceId: '00000000000000000000000000000abc', start: 5 },
      compare: { traceId: '00000000000000000000000000000def' },
      format: 'trace-patch-v0',
    });
  });
});
