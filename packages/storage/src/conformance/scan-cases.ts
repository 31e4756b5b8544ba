import { expect, it } from 'vitest';
import type { Span, UnixNanos } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { countSpans, scanSpans, scanThroughTraces } from '../scan-spans.js';
import type { SpanReader, SpanScanWindow } from '../store.js';
import type { Harness } from './harness.js';
import { NANOS_PER_DAY } from './harness.js';
import { at, byStartThenId, ID, searchFixture } from './fixtures.js';

async function all(scan: AsyncIterable<Span[]>): Promise<Span[]> {
  const out: Span[] = [];
  for await (const batch of scan) out.push(...batch);
  return out.sort(byStartThenId);
}

/** The backend's scan and the generic one, which every backend must answer alike. */
const bothScans = (reader: SpanReader, w: SpanScanWindow) => Promise.all([all(scanSpans(reader, w)), all(scanThroughTraces(reader, w, 2))]);

/** The backend's count and the generic one (the heatmap's total), which must both say how many spans the scan gives. */
const bothCounts = (reader: SpanReader, w: SpanScanWindow) =>
  Promise.all([countSpans(reader, w), countSpans({ latencyHeatmap: (q) => reader.latencyHeatmap(q) } as SpanReader, w)]);

/*
 * searchFixture's traces A–D (ms after T0: A 1000–1120, B 2000–2050, C and D at 3000) and a trace appended two
 * ingest periods later whose spans start at 5000 and 5001: windows cut through traces and across partitions.
 */
export function scanCases(h: Harness): void {
  it('scans exactly the spans starting in a half-open window, across ingest periods', async () => {
    const spans = searchFixture();
    await h.store.append(spans);
    h.now = (h.now + 2n * NANOS_PER_DAY) as UnixNanos;
    const later = makeTrace(at(5000), { service: 'late', name: 'root', at: 0, ms: 10, children: [{ service: 'late', name: 'child', at: 1, ms: 2 }] });
    await h.store.append(later);
    const everything = [...spans, ...later];
    const cases: Array<[SpanScanWindow, (s: Span) => boolean]> = [
      [{ start: at(0), end: at(10_000) }, () => true],
      // A's root starts at 1000: in; its children at 1010 and 1015 are cut off by the end at 1010 (exclusive).
      [{ start: at(1000), end: at(1010) }, (s) => s.startTimeUnixNano >= at(1000) && s.startTimeUnixNano < at(1010)],
      [{ start: at(3000), end: at(5001) }, (s) => s.startTimeUnixNano >= at(3000) && s.startTimeUnixNano < at(5001)],
      [{ start: at(6000), end: at(7000) }, () => false],
      [{ start: at(3000), end: at(3000) }, () => false],
    ];
    for (const [w, keep] of cases) {
      const want = everything.filter(keep).sort(byStartThenId);
      const [own, generic] = await bothScans(h.store, w);
      expect(own, `${w.start}..${w.end}`).toEqual(want);
      expect(generic, `generic ${w.start}..${w.end}`).toEqual(want);
      expect(await bothCounts(h.store, w), `count ${w.start}..${w.end}`).toEqual([want.length, want.length]);
    }
    expect((await all(scanSpans(h.store, { start: at(1000), end: at(1010) }))).map((s) => s.traceId)).toEqual([ID.A]);
  });

  it('scans one tenant only', async () => {
    const a = searchFixture();
    const b = makeTrace(at(1500), { service: 'frontend', name: 'GET /b', at: 0, ms: 70 }, ID.A);
    await h.store.append([...a, ...b], undefined, [{ tenant: 'a', spans: a.length }, { tenant: 'b', spans: b.length }]);
    const w = { start: at(0), end: at(10_000) };
    expect(await bothScans(h.store.forTenant('a'), w)).toEqual([a.sort(byStartThenId), a.sort(byStartThenId)]);
    expect(await bothScans(h.store.forTenant('b'), w)).toEqual([b.sort(byStartThenId), b.sort(byStartThenId)]);
    expect(await bothScans(h.store, w)).toEqual([[], []]);
    expect(await bothScans(h.store.forTenant('c'), w)).toEqual([[], []]);
    expect(await bothCounts(h.store.forTenant('a'), w)).toEqual([a.length, a.length]);
    expect(await bothCounts(h.store.forTenant('b'), w)).toEqual([b.length, b.length]);
    expect(await bothCounts(h.store, w)).toEqual([0, 0]);
  });
}
