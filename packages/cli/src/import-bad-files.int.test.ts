import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeOtlpJson, encodeOtlpJsonText, encodeOtlpProto } from '@clew/codecs';
import type { Span, SpanId, TraceId } from '@clew/model';
import { encodeExportRequests } from '@clew/server';
import type { ClewProcess } from '@clew/testing/clew-process';
import { startClewProcess, tempDataDir, waitForStore } from '@clew/testing/clew-process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bySpanKey, daySpans, runClew } from './testing/export-spans.js';

let tmp: { dir: string; cleanup(): Promise<void> };
beforeEach(async () => {
  tmp = await tempDataDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

const spansOf = (text: string): Span[] => text.split('\n').filter((l) => l !== '').flatMap((l) => decodeOtlpJson(l).spans);
const DAY_FLAGS = ['--from', '2026-11-02', '--to', '2026-11-03'];

/**
 * Imports `file` into a fresh data directory and reads back what it holds; with `through`, into that running Clew
 * (holding nothing of the day before), read back once it holds as many spans as the import says it wrote.
 */
async function importAndRead(
  name: string,
  body: Buffer | string | ((file: string) => Promise<void>),
  through?: ClewProcess,
  flags: readonly string[] = [],
): Promise<{ stdout: string; stderr: string; code: number | null; stored: Span[] }> {
  const file = join(tmp.dir, name);
  const dir = join(tmp.dir, `data-${name}`);
  await (typeof body === 'function' ? body(file) : writeFile(file, body));
  const run = await runClew(['import', file, ...(through ? ['--url', through.query, '--otlp-url', through.otlpHttp] : ['-d', dir]), ...flags]);
  const written = Number(/written ([\d,]+)/.exec(run.stdout)?.[1]?.replaceAll(',', '') ?? NaN);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const back = await runClew(['export', ...(through ? ['--url', through.query] : ['-d', dir]), ...DAY_FLAGS]);
    expect(back.code, back.stderr).toBe(0);
    const stored = spansOf(back.stdout).sort(bySpanKey);
    // Acknowledged spans reach a running Clew's store a moment later.
    if (!through || stored.length >= written || Date.now() > deadline) return { ...run, stored };
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Writes `parts` one after the other, each `gap` bytes after the end of the one before: a gap is a hole of zero bytes,
 * which takes no disk and reads fast, so a test can have a line or a document of hundreds of megabytes.
 */
const withGaps = (parts: ReadonlyArray<{ readonly gap?: number; readonly text: string }>) => async (file: string) => {
  const f = await open(file, 'w');
  try {
    let at = 0;
    for (const { gap = 0, text } of parts) {
      const bytes = Buffer.from(text);
      await f.write(bytes, 0, bytes.length, (at += gap));
      at += bytes.length;
    }
  } finally {
    await f.close();
  }
};

/** One span of `spans` given an all-zero trace id, which no Clew keeps. */
function withBadId(spans: Span[]): Span[] {
  return spans.map((s, i) => (i === 1 ? { ...s, traceId: '0'.repeat(32) as TraceId } : s));
}

describe('clew import of bad files: each problem reported where it is, the rest goes in', () => {
  it('OTLP JSON lines: a line that is not JSON, a span with a bad id, a truncated last line', async () => {
    const spans = daySpans(5, 40);
    const parts = [spans.slice(0, 30), spans.slice(30, 60), withBadId(spans.slice(60, 90)), spans.slice(90, 120)];
    const body = [
      encodeExportRequests(parts[0]!, 'json')[0]!.toString(),
      '{"resourceSpans": [ this is not JSON\n',
      encodeExportRequests(parts[1]!, 'json')[0]!.toString(),
      '\n',
      encodeExportRequests(parts[2]!, 'json')[0]!.toString(),
      encodeExportRequests(parts[3]!, 'json')[0]!.toString().slice(0, 500),
    ].join('');
    // Into a data directory, and through a running Clew (where the lines' spans are sent as the decoding thread's
    // protobuf of them, not decoded again): reported and stored alike.
    const clew = await startClewProcess(join(tmp.dir, 'running'));
    try {
      for (const [name, through] of [['bad.jsonl', undefined], ['bad-url.jsonl', clew]] as const) {
        const r = await importAndRead(name, body, through);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/line 2: skipped: /);
        expect(r.stdout).toMatch(/line 5: 1 span\(s\) refused: .*trace_id/);
        // The last line, cut short, is not skipped: it is where a later run goes on.
        expect(r.stdout).toContain('(otlp-json): done up to line 6');
        expect(r.stdout).toMatch(/line 6: not read yet: the file ends inside it \(invalid JSON: .*\): cut short, or still being written/);
        expect(r.stdout).toContain('spans read 90, written 89, refused 1; 1 unreadable record(s) skipped');
        expect(r.stored, name).toEqual([...parts[0]!, ...parts[1]!, ...parts[2]!.filter((_, i) => i !== 1)].sort(bySpanKey));
      }
    } finally {
      await clew.stop();
    }
  });

  it('OTLP JSON lines: a span whose id is not hex is refused alone, and the other spans of its line go in', async () => {
    const spans = daySpans(8, 41);
    const bad = spans.map((s, i) => (i === 61 ? { ...s, spanId: 'z'.repeat(16) as SpanId } : s));
    const r = await importAndRead('not-hex.jsonl', encodeExportRequests(bad, 'json')[0]!.toString());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`line 1: 1 span(s) refused: 1 span rejected: span '${spans[61]!.name}' has an invalid span_id (not a hex string)`);
    expect(r.stdout).toContain('spans read 123, written 122, refused 1');
    expect(r.stored).toEqual(spans.filter((_, i) => i !== 61).sort(bySpanKey));
  });

  it('OTLP JSON lines spread over several decoding jobs (megabytes of lines): problems still named by their line, every other span in', async () => {
    const spans = daySpans(7, 5000);
    const traces = Array.from({ length: 5000 }, (_, t) => spans.slice(3 * t, 3 * t + 3));
    const lines = traces.map((trace, t) => (t === 4499 ? withBadId(trace) : trace)).map((trace) => encodeExportRequests(trace, 'json')[0]!.toString());
    lines[3499] = '{"resourceSpans": [ not JSON either\n';
    const body = lines.join('');
    expect(body.length).toBeGreaterThan(4 << 20);
    const r = await importAndRead('many.jsonl', body);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/line 3500: skipped: /);
    expect(r.stdout).toMatch(/line 4500: 1 span\(s\) refused: .*trace_id/);
    expect(r.stdout).toContain('spans read 14,997, written 14,996, refused 1; 1 unreadable record(s) skipped');
    const kept = traces.flatMap((trace, t) => (t === 3499 ? [] : t === 4499 ? withBadId(trace).filter((_, i) => i !== 1) : trace));
    expect(r.stored).toEqual(kept.sort(bySpanKey));
  });

  it('OTLP JSON lines longer than a read of the file (1 MB), with blank lines, CRLF and no last newline: every line read whole, each named by its number', async () => {
    const traces = Array.from({ length: 4 }, (_, t) => daySpans(8, 4).slice(3 * t, 3 * t + 3));
    // Values of 2.5 and 1.5 MB: lines no read holds whole, the second beginning in the middle of a read.
    const big = (trace: Span[], bytes: number) => trace.map((s, i) => (i === 0 ? { ...s, attributes: [...s.attributes, { key: 'big', value: { type: 'string' as const, value: 'x'.repeat(bytes) } }] } : s));
    traces[1] = big(traces[1]!, 2_500_000);
    traces[2] = big(traces[2]!, 1_500_000);
    const line = (trace: Span[]) => encodeExportRequests(trace, 'json')[0]!.toString().trimEnd();
    const body = `${line(traces[0]!)}\n  \n${line(traces[1]!)}\r\n\n${line(traces[2]!)}\n{"resourceSpans": [ not JSON\n${line(traces[3]!)}`;
    const r = await importAndRead('long-lines.jsonl', body);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/line 6: skipped: /);
    expect(r.stdout).toContain('spans read 12, written 12, refused 0; 1 unreadable record(s) skipped');
    expect(r.stored).toEqual(traces.flat().sort(bySpanKey));
  });

  it('OTLP JSON lines: a line longer than any request (256 MiB) is skipped, saying so, and the lines after it keep their numbers', async () => {
    const traces = Array.from({ length: 3 }, (_, t) => daySpans(10, 4).slice(3 * t, 3 * t + 3));
    const line = (trace: Span[]) => `${encodeExportRequests(trace, 'json')[0]!.toString().trimEnd()}\n`;
    // Line 2 is 257 MiB of zero bytes between its brackets; line 3 has a span with a bad id, to see its number.
    const r = await importAndRead(
      'very-long-line.jsonl',
      withGaps([{ text: line(traces[0]!) }, { text: '{"resourceSpans": [' }, { gap: 257 * 1024 * 1024, text: ']}\n' }, { text: line(withBadId(traces[1]!)) }, { text: line(traces[2]!) }]),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('line 2: skipped: longer than 256 MiB, more than any request a collector or Clew writes');
    expect(r.stdout).toMatch(/line 3: 1 span\(s\) refused: .*trace_id/);
    expect(r.stdout).toContain('spans read 9, written 8, refused 1; 1 unreadable record(s) skipped');
    expect(r.stored).toEqual([...traces[0]!, ...withBadId(traces[1]!).filter((_, i) => i !== 1), ...traces[2]!].sort(bySpanKey));
  });

  it('OTLP protobuf requests longer than a read of the file, and a last one whose length runs past the end of the file', async () => {
    const traces = Array.from({ length: 3 }, (_, t) => daySpans(9, 3).slice(3 * t, 3 * t + 3));
    const big = (trace: Span[], bytes: number) => trace.map((s, i) => (i === 0 ? { ...s, attributes: [...s.attributes, { key: 'big', value: { type: 'string' as const, value: 'x'.repeat(bytes) } }] } : s));
    traces[0] = big(traces[0]!, 2_500_000);
    traces[1] = big(traces[1]!, 1_500_000);
    const requests = traces.map((trace) => encodeExportRequests(trace, 'protobuf')[0]!);
    // A length of 4 GB where 8 bytes follow: reported, not allocated.
    const past = Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const r = await importAndRead('long-requests.pb', Buffer.concat([...requests, past]));
    expect(r.code, r.stderr).toBe(0);
    // No request is that long: not the unfinished end of a file still being written, but what is not a request.
    expect(r.stdout).toContain(`byte ${requests[0]!.length + requests[1]!.length + requests[2]!.length}: skipped: not a request: its length says 4294967280 bytes; the rest of the file (12 bytes) is not read`);
    expect(r.stdout).toContain('spans read 9, written 9, refused 0; 1 unreadable record(s) skipped');
    expect(r.stored).toEqual(traces.flat().sort(bySpanKey));
  });

  it('OTLP protobuf: a request that is not one, a span with a bad id, a truncated last request, reported by byte offset', async () => {
    const spans = daySpans(6, 40);
    const good1 = encodeExportRequests(spans.slice(0, 30), 'protobuf')[0]!;
    const garbage = Buffer.from([0, 0, 0, 6, 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    const bad = encodeExportRequests(withBadId(spans.slice(30, 60)), 'protobuf')[0]!;
    const good2 = encodeExportRequests(spans.slice(60, 90), 'protobuf')[0]!;
    const cut = encodeExportRequests(spans.slice(90, 120), 'protobuf')[0]!.subarray(0, 200);
    const r = await importAndRead('bad.pb', Buffer.concat([good1, garbage, bad, good2, cut]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`byte ${good1.length}: skipped: `);
    expect(r.stdout).toMatch(new RegExp(`byte ${good1.length + garbage.length}: 1 span\\(s\\) refused: .*trace_id`));
    const cutAt = good1.length + garbage.length + bad.length + good2.length;
    expect(r.stdout).toContain(`byte ${cutAt}: not read yet: the file ends inside it (truncated: the request says`);
    expect(r.stdout).toContain('spans read 90, written 89, refused 1; 1 unreadable record(s) skipped');
    expect(r.stored).toEqual([...spans.slice(0, 30), ...withBadId(spans.slice(30, 60)).filter((_, i) => i !== 1), ...spans.slice(60, 90)].sort(bySpanKey));
    // The same file given as JSON: refused as not JSON, what JSON.parse quoted of it shown as text, not as its bytes.
    for (const format of ['jaeger-json', 'otlp-json']) {
      const file = join(tmp.dir, `bad-as-${format}`);
      await writeFile(file, Buffer.concat([good1, garbage, bad, good2, cut]));
      const asJson = await runClew(['import', file, '-d', join(tmp.dir, `as-${format}`), '--format', format]);
      expect(asJson.stdout, format).toMatch(/skipped: (?:not JSON|invalid JSON): /);
      // eslint-disable-next-line no-control-regex -- what must not be printed
      expect(asJson.stdout, format).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    }
  });

  it('a file still being written (JSON lines, protobuf): imported up to its unfinished end, then on from there once it has grown', async () => {
    const spans = daySpans(10, 40);
    const parts = [0, 1, 2, 3].map((i) => spans.slice(30 * i, 30 * i + 30));
    for (const format of ['json', 'protobuf'] as const) {
      const requests = parts.map((p) => encodeExportRequests(p, format)[0]!);
      const file = join(tmp.dir, `growing.${format}`);
      const dir = join(tmp.dir, `data-growing-${format}`);
      const stored = async () => spansOf((await runClew(['export', '-d', dir, ...DAY_FLAGS])).stdout).sort(bySpanKey);
      // Two whole records and the first 300 bytes of the third, as a collector leaves a file between two writes.
      await writeFile(file, Buffer.concat([requests[0]!, requests[1]!, requests[2]!.subarray(0, 300)]));
      const first = await runClew(['import', file, '-d', dir]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout, format).toMatch(/done up to (line 3|byte \d+)\n/);
      expect(first.stdout).toContain('spans read 60, written 60, refused 0\n');
      expect(await stored()).toEqual([...parts[0]!, ...parts[1]!].sort(bySpanKey));
      // Nothing more yet: the same again, nothing twice.
      expect((await runClew(['import', file, '-d', dir])).stdout).toContain('spans read 60, written 60, refused 0\n');
      // The rest of the third record and a fourth: only they go in.
      await writeFile(file, Buffer.concat(requests));
      const second = await runClew(['import', file, '-d', dir]);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout, format).toMatch(/: done\n/);
      expect(second.stdout).toContain('spans read 120, written 120, refused 0\n');
      expect(await stored()).toEqual(spans.slice(0, 120).sort(bySpanKey));
      expect((await runClew(['import', file, '-d', dir])).stdout).toContain('already imported');
      // Another file under the same name, longer, is not taken for this one grown.
      await writeFile(file, Buffer.concat([requests[3]!, ...requests]));
      const other = await runClew(['import', file, '-d', dir]);
      expect(other.code).toBe(1);
      expect(other.stderr).toContain('and not that file grown: remove the checkpoint to import it afresh');
    }
  });

  it('numbers the lines of a grown file as they are, after a last line that had no newline', async () => {
    const [a, b, c] = [daySpans(15, 10), daySpans(16, 10), daySpans(17, 10)];
    const file = join(tmp.dir, 'grown-lines.jsonl');
    const dir = join(tmp.dir, 'data-grown-lines');
    // Two lines, the second whole but without its newline: both read.
    await writeFile(file, Buffer.concat([encodeOtlpJsonText(a, true), encodeOtlpJsonText(b)]));
    expect((await runClew(['import', file, '-d', dir])).stdout).toContain(`spans read ${a.length + b.length}, written ${a.length + b.length}, refused 0\n`);
    // Its newline, a third line that is not OTLP, a fourth that is.
    await writeFile(file, Buffer.concat([encodeOtlpJsonText(a, true), encodeOtlpJsonText(b, true), Buffer.from('{"data": []}\n'), encodeOtlpJsonText(c, true)]));
    const grown = await runClew(['import', file, '-d', dir]);
    expect(grown.code, grown.stderr).toBe(0);
    expect(grown.stdout).toContain('line 3: skipped: not an OTLP JSON line');
    const all = a.length + b.length + c.length;
    expect(grown.stdout).toContain(`spans read ${all}, written ${all}, refused 0; 1 unreadable record(s) skipped`);
  });

  it('a record larger than the Clew takes in one request (a collector batch past limits.maxRequestBytes) goes in split', async () => {
    const config = join(tmp.dir, 'small-requests.yaml');
    await writeFile(config, 'limits:\n  maxRequestBytes: 65536\n');
    const clew = await startClewProcess(join(tmp.dir, 'small-requests'), ['--config', config]);
    try {
      const [a, b] = [daySpans(12, 1500), daySpans(13, 1500)];
      // One request each, as a collector's batch without a size limit writes it.
      const json = encodeOtlpJsonText(a, true);
      const body = encodeOtlpProto(b);
      const proto = Buffer.concat([Buffer.from([body.length >>> 24, (body.length >>> 16) & 255, (body.length >>> 8) & 255, body.length & 255]), body]);
      expect(proto.length).toBeGreaterThan(4 * 65536);
      for (const [name, body, spans] of [['one-big-line.jsonl', json, a], ['one-big-request.pb', proto, b]] as const) {
        const r = await importAndRead(name, body, clew);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain(`spans read ${spans.length.toLocaleString('en-US')}, written ${spans.length.toLocaleString('en-US')}, refused 0`);
      }
      // A span larger than that is refused alone; the rest of its request goes in.
      const huge = daySpans(14, 30).map((sp, i) => (i === 7 ? { ...sp, attributes: [{ key: 'big', value: { type: 'string' as const, value: 'x'.repeat(100_000) } }] } : sp));
      const r = await importAndRead('one-huge-span.jsonl', encodeOtlpJsonText(huge, true), clew);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`spans read 90, written 89, refused 1`);
      expect(r.stdout).toContain('1 span(s) refused by the target: larger than the Clew takes in one request');
      // Each span once, once the store has all three imports' spans.
      await waitForStore(clew.query);
      const stored = spansOf((await runClew(['export', '--url', clew.query, ...DAY_FLAGS])).stdout).sort(bySpanKey);
      expect(stored).toEqual([...a, ...b, ...huge.filter((_, i) => i !== 7)].sort(bySpanKey));
    } finally {
      await clew.stop();
    }
  });

  it('a file in no format it reads is refused whole, naming the formats and --format', async () => {
    const r = await importAndRead('notes.txt', 'these are not spans\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot tell its format');
    expect(r.stderr).toContain('--format');
    // The file named once, at the start.
    expect(r.stderr.startsWith(`${join(tmp.dir, 'notes.txt')}: cannot tell`)).toBe(true);
    expect(r.stderr.split('notes.txt')).toHaveLength(2);
    expect(r.stored).toEqual([]);
  });

  it('a grown file imported into two data directories: each goes on from its own end, nothing twice', async () => {
    const spans = daySpans(15, 30);
    const requests = [0, 1, 2].map((i) => encodeExportRequests(spans.slice(30 * i, 30 * i + 30), 'protobuf')[0]!);
    const file = join(tmp.dir, 'grown-twice.pb');
    const [a, b] = [join(tmp.dir, 'data-grown-a'), join(tmp.dir, 'data-grown-b')];
    const stored = async (dir: string) => spansOf((await runClew(['export', '-d', dir, ...DAY_FLAGS])).stdout).sort(bySpanKey);
    await writeFile(file, Buffer.concat(requests.slice(0, 2)));
    for (const dir of [a, b]) expect((await runClew(['import', file, '-d', dir])).code).toBe(0);
    await writeFile(file, Buffer.concat(requests));
    // The checkpoint's own import (b) goes on, then the one it keeps as done before (a), from its end.
    for (const dir of [b, a]) {
      const run = await runClew(['import', file, '-d', dir]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('spans read 90, written 90, refused 0');
    }
    for (const dir of [a, b]) expect(await stored(dir)).toEqual(spans.slice(0, 90).sort(bySpanKey));
    for (const dir of [a, b]) expect((await runClew(['import', file, '-d', dir])).stdout).toContain('already imported');
  });

  it('a directory, and lines that are not OTLP requests: said so, not imported as nothing', async () => {
    const lines = encodeExportRequests(daySpans(11, 4), 'json')[0]!;
    // A file that says it is zstd and is not: said so (compressed files are imported: import-compressed.int.test.ts).
    const fake = await importAndRead('spans.jsonl.zst', Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), lines]));
    expect(fake.code).toBe(1);
    expect(fake.stderr).toContain('spans.jsonl.zst: cannot decompress it (zstd)');
    expect(fake.stored).toEqual([]);
    // The wrong --format: JSON lines read as protobuf (its first bytes a length of 2 GB), one line of text as JSON.
    for (const [name, body, format] of [['lines-as-pb.jsonl', lines, 'otlp-proto'], ['text.jsonl', 'not spans at all', 'otlp-json']] as const) {
      const wrong = await importAndRead(name, body, undefined, ['--format', format]);
      expect(wrong.code, name).toBe(1);
      expect(wrong.stderr).toContain(`${name}: not one span could be read from it`);
    }
    const dir = await runClew(['import', tmp.dir, '-d', join(tmp.dir, 'data-dir')]);
    expect(dir.code).toBe(1);
    expect(dir.stderr).toContain('is a directory: give the files in it');
    // A Jaeger answer on a line of its own is not an empty request.
    const mixed = await importAndRead('mixed.jsonl', `${lines.toString()}{"data":[{"traceID":"abc","spans":[]}]}\n`);
    expect(mixed.code, mixed.stderr).toBe(0);
    expect(mixed.stdout).toContain('line 2: skipped: not an OTLP JSON line: it has no "resourceSpans"');
    expect(mixed.stored).toHaveLength(decodeOtlpJson(lines).spans.length);
  });

  it('an empty file, as the export of an empty range writes, imports as nothing', async () => {
    const r = await importAndRead('empty.jsonl', '');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('(otlp-json): done');
    expect(r.stdout).toContain('spans read 0, written 0, refused 0');
    expect(r.stored).toEqual([]);
  });

  it("Zipkin's search answer, an array of traces, imports every span", async () => {
    const span = (trace: string, id: string, name: string, parentId?: string) => ({
      traceId: trace.padStart(32, '0'), id: id.padStart(16, '0'), ...(parentId && { parentId: parentId.padStart(16, '0') }),
      name, timestamp: 1_793_577_601_000_000, duration: 10, localEndpoint: { serviceName: 'web' },
    });
    const traces = [[span('a1', '1', 'get'), span('a1', '2', 'db', '1')], [span('a2', '3', 'post')]];
    const z = await importAndRead('zipkin-search.json', JSON.stringify(traces));
    expect(z.code, z.stderr).toBe(0);
    expect(z.stdout).toContain('(zipkin-json): done');
    expect(z.stdout).toContain('spans read 3, written 3, refused 0');
    expect(z.stored.map((s) => s.name).sort()).toEqual(['db', 'get', 'post']);
  });

  it('Zipkin v2 JSON with a malformed span and a truncated Jaeger UI document: the span is skipped, the document reported', async () => {
    const zipkin = [
      { traceId: '00000000000000000000000000000abc', id: '0000000000000001', name: 'get', timestamp: 1_793_577_601_000_000, duration: 10, localEndpoint: { serviceName: 'web' } },
      { traceId: '00000000000000000000000000000abc', id: 'not-an-id', name: 'bad', timestamp: 'yesterday' },
      { traceId: '00000000000000000000000000000abc', id: '0000000000000002', parentId: '0000000000000001', name: 'db', timestamp: 1_793_577_601_000_002, duration: 5, localEndpoint: { serviceName: 'db' } },
    ];
    const z = await importAndRead('zipkin.json', JSON.stringify(zipkin));
    expect(z.code, z.stderr).toBe(0);
    expect(z.stdout).toMatch(/span 2: skipped: /);
    expect(z.stdout).toContain('spans read 2, written 2, refused 0; 1 unreadable record(s) skipped');
    expect(z.stored.map((s) => s.name).sort()).toEqual(['db', 'get']);

    const j = await importAndRead('jaeger.json', '{"data":[{"traceID":"abc","spans":[{"traceID":"abc","spanID":"1","operationName":"x"');
    expect(j.stdout).toMatch(/byte 0: skipped: not JSON/);
    // Not one span read, every record skipped: a failure, for scripts too.
    expect(j.code).toBe(1);
    expect(j.stderr).toContain('jaeger.json: not one span could be read from it (every record skipped)');
    expect(j.stored).toEqual([]);
  });

  it('a Jaeger UI document larger than one read whole can be (500 MiB) is refused, saying why, without reading the rest', async () => {
    const trace = '{"traceID":"abc","spans":[],"processes":{}}';
    const j = await importAndRead('huge-jaeger.json', withGaps([{ text: `{"data":[${trace},` }, { gap: 501 * 1024 * 1024, text: `${trace}]}` }]));
    expect(j.stdout).toContain('byte 0: skipped: larger than 500 MiB, the most a document read whole can be: import its traces in smaller files, or as OTLP JSON lines');
    expect(j.code).toBe(1);
    expect(j.stored).toEqual([]);
  });
});
