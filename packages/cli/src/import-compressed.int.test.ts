import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeOtlpJson } from '@clew/codecs';
import type { Span } from '@clew/model';
import { encodeExportRequests } from '@clew/server';
import type { ClewProcess } from '@clew/testing/clew-process';
import { startClewProcess, tempDataDir } from '@clew/testing/clew-process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bySpanKey, daySpans, runClew } from './testing/export-spans.js';

let tmp: { dir: string; cleanup(): Promise<void> };
beforeAll(async () => {
  tmp = await tempDataDir();
});
afterAll(async () => {
  await tmp?.cleanup();
});

/** Compressed by Debian's zstd command, as a user or the Collector (klauspost's encoder writes the same format) would. */
const zstd = (bytes: Buffer): Buffer => execFileSync('zstd', ['-q', '-c', '-3'], { input: bytes, maxBuffer: 1 << 30 });

const SPANS = daySpans(21, 60);
/** The spans in requests of 15 spans (12 of them), every field the model has in the first. */
const PARTS = Array.from({ length: SPANS.length / 15 }, (_, i) => SPANS.slice(i * 15, (i + 1) * 15));
const JSON_LINES = PARTS.map((p) => encodeExportRequests(p, 'json')[0]!);
const PROTO = PARTS.map((p) => encodeExportRequests(p, 'protobuf')[0]!);

/**
 * Length-delimited requests each compressed on its own: a 4-byte big-endian length, then a zstd frame of the request,
 * as the Collector's file exporter writes with `compression: zstd` (without its native compression).
 */
function eachCompressed(requests: readonly Buffer[], compress: (b: Buffer) => Buffer = zstd): Buffer {
  return Buffer.concat(
    requests.flatMap((r) => {
      const frame = compress(r);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(frame.length);
      return [length, frame];
    }),
  );
}

const half = <T>(xs: readonly T[]): [T[], T[]] => [xs.slice(0, xs.length >> 1), xs.slice(xs.length >> 1)];
const spansOf = (text: string): Span[] => text.split('\n').filter((l) => l !== '').flatMap((l) => decodeOtlpJson(l).spans);
const DAY_FLAGS = ['--from', '2026-11-02', '--to', '2026-11-03'];

/** Every span a data directory holds (or a running Clew: read once it holds `expect` spans), in key order. */
async function stored(from: { dir: string } | { clew: ClewProcess }, expect = 0): Promise<Span[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const back = await runClew(['export', ...('dir' in from ? ['-d', from.dir] : ['--url', from.clew.query]), ...DAY_FLAGS]);
    if (back.code !== 0) throw new Error(back.stderr);
    const spans = spansOf(back.stdout).sort(bySpanKey);
    if ('dir' in from || spans.length >= expect || Date.now() > deadline) return spans;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sorted = [...SPANS].sort(bySpanKey);
const storedIn = (dir: string): Promise<Span[]> => stored({ dir });
const n = (v: number): string => v.toLocaleString('en-US');

describe('clew import of compressed files', () => {
  it('gzip and zstd files, and files whose requests are each zstd, give back every span as it was', async () => {
    const [a, b] = half(JSON_LINES);
    const files: Array<[string, Buffer, string]> = [
      ['spans.jsonl.gz', gzipSync(Buffer.concat(JSON_LINES)), '(otlp-json, gzip)'],
      ['spans.jsonl.zst', zstd(Buffer.concat(JSON_LINES)), '(otlp-json, zstd)'],
      ['spans.pb.gz', gzipSync(Buffer.concat(PROTO)), '(otlp-proto, gzip)'],
      ['spans.pb.zst', zstd(Buffer.concat(PROTO)), '(otlp-proto, zstd)'],
      // Appended to: gzip members, and zstd frames (the Collector's native compression writes a frame per write when
      // it rotates files), each read on into the next.
      ['members.jsonl.gz', Buffer.concat([gzipSync(Buffer.concat(a)), gzipSync(Buffer.concat(b))]), '(otlp-json, gzip)'],
      ['frames.jsonl.zst', Buffer.concat([zstd(Buffer.concat(a)), zstd(Buffer.concat(b))]), '(otlp-json, zstd)'],
      ['each.pb', eachCompressed(PROTO.map((r) => r.subarray(4))), '(otlp-proto, each request zstd)'],
      ['each.json', eachCompressed(JSON_LINES.map((l) => l.subarray(0, l.length - 1))), '(otlp-json, each request zstd)'],
      // Each request compressed by pzstd: its skippable frame first, then the frame.
      ['each-pzstd.pb', eachCompressed(PROTO.map((r) => r.subarray(4)), (b) => execFileSync('pzstd', ['-q', '-c'], { input: b })), '(otlp-proto, each request zstd)'],
    ];
    for (const [name, body, said] of files) {
      const file = join(tmp.dir, name);
      const dir = join(tmp.dir, `data-${name}`);
      await writeFile(file, body);
      const run = await runClew(['import', file, '-d', dir]);
      expect(run.code, `${name}: ${run.stderr}`).toBe(0);
      expect(run.stdout, name).toContain(`${name} ${said}: done`);
      expect(run.stdout, name).toContain(`spans read ${SPANS.length}, written ${SPANS.length}, refused 0`);
      expect(await stored({ dir }), name).toEqual(sorted);
      expect((await runClew(['import', file, '-d', dir])).stdout, name).toContain('already imported');
    }
  });

  it('Zipkin JSON and a trace of Tempo\'s API, gzipped, as their plain files', async () => {
    const zipkin = [
      { traceId: '00000000000000000000000000000abc', id: '0000000000000001', name: 'get', timestamp: 1_793_577_601_000_000, duration: 10, localEndpoint: { serviceName: 'web' } },
      { traceId: '00000000000000000000000000000abc', id: '0000000000000002', parentId: '0000000000000001', name: 'db', timestamp: 1_793_577_601_000_002, duration: 5, localEndpoint: { serviceName: 'db' } },
    ];
    const file = join(tmp.dir, 'zipkin.json.gz');
    await writeFile(file, gzipSync(JSON.stringify(zipkin)));
    const dir = join(tmp.dir, 'data-zipkin');
    const run = await runClew(['import', file, '-d', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('(zipkin-json, gzip): done');
    expect((await stored({ dir })).map((s) => s.name).sort()).toEqual(['db', 'get']);

    // Damaged, not one of its spans is read, and it is not taken for imported: repaired, it goes in. Large enough
    // that some of it decompresses before the damage (its format told), then read whole.
    const many = Array.from({ length: 3000 }, (_, i) => ({ ...zipkin[0]!, id: (i + 1).toString(16).padStart(16, '0'), name: `op-${i}` }));
    const damaged = gzipSync(JSON.stringify(many));
    damaged[damaged.length - 6]! ^= 0xff;
    const twice = join(tmp.dir, 'zipkin-damaged.json.gz');
    await writeFile(twice, damaged);
    const first = await runClew(['import', twice, '-d', join(tmp.dir, 'data-zipkin-damaged')]);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('byte 0: not read: cannot decompress it (gzip)');
    await writeFile(twice, gzipSync(JSON.stringify(many)));
    const repaired = await runClew(['import', twice, '-d', join(tmp.dir, 'data-zipkin-damaged')]);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toContain('spans read 3,000, written 3,000, refused 0');

    const tempo = { batches: (JSON.parse(JSON_LINES[1]!.toString()) as { resourceSpans: unknown[] }).resourceSpans };
    const tempoFile = join(tmp.dir, 'tempo.json.zst');
    await writeFile(tempoFile, zstd(Buffer.from(JSON.stringify(tempo))));
    const t = await runClew(['import', tempoFile, '-d', join(tmp.dir, 'data-tempo')]);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toContain('(tempo-json, zstd): done');
    expect(t.stdout).toContain('spans read 15, written 15, refused 0');
  });

  it('an OTLP JSON request written over several lines (`jq .`), plain and gzipped, as the line it is', async () => {
    const request = JSON.parse(JSON_LINES[0]!.toString()) as unknown;
    const expected = spansOf(JSON_LINES[0]!.toString()).sort(bySpanKey);
    for (const [name, body] of [
      ['pretty.json', Buffer.from(JSON.stringify(request, null, 2))],
      ['pretty.json.gz', gzipSync(JSON.stringify(request, null, 2))],
    ] as const) {
      const file = join(tmp.dir, name);
      const dir = join(tmp.dir, `data-${name}`);
      await writeFile(file, body);
      const run = await runClew(['import', file, '-d', dir]);
      expect(run.code, `${name}: ${run.stderr}`).toBe(0);
      expect(run.stdout, name).toContain(`spans read ${expected.length}, written ${expected.length}, refused 0`);
      expect(await stored({ dir }), name).toEqual(expected);
      expect((await runClew(['import', file, '-d', dir])).stdout, name).toContain('already imported');
    }
  });

  it('through a running Clew', async () => {
    const clew = await startClewProcess(join(tmp.dir, 'clew'));
    try {
      for (const [name, body] of [
        ['through.jsonl.zst', zstd(Buffer.concat(JSON_LINES))],
        ['through-each.pb', eachCompressed(PROTO.map((r) => r.subarray(4)))],
      ] as const) {
        const file = join(tmp.dir, name);
        await writeFile(file, body);
        const run = await runClew(['import', file, '--url', clew.query, '--otlp-url', clew.otlpHttp]);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toContain(`spans read ${SPANS.length}, written ${SPANS.length}, refused 0`);
      }
      // Both files hold the same spans: each is there twice.
      const back = await stored({ clew }, 2 * SPANS.length);
      expect(back).toEqual(sorted.flatMap((s) => [s, s]));
    } finally {
      await clew.stop();
    }
  });

  it('a file cut short is imported up to the cut, and on from it once it has grown: each span once', async () => {
    // Large enough for several of zstd's blocks (128 KiB each, decompressed): a cut inside the first gives nothing yet.
    const spans = daySpans(22, 2000);
    const parts = Array.from({ length: spans.length / 30 }, (_, i) => spans.slice(i * 30, (i + 1) * 30));
    const lines = Buffer.concat(parts.map((p) => encodeExportRequests(p, 'json')[0]!));
    const proto = parts.map((p) => encodeExportRequests(p, 'protobuf')[0]!);
    const all = [...spans].sort(bySpanKey);
    for (const [name, whole] of [
      ['growing.jsonl.gz', gzipSync(lines)],
      ['growing.jsonl.zst', zstd(lines)],
      ['growing.pb.zst', zstd(Buffer.concat(proto))],
      ['growing-each.pb', eachCompressed(proto.map((r) => r.subarray(4)))],
    ] as const) {
      const file = join(tmp.dir, name);
      const dir = join(tmp.dir, `data-${name}`);
      await writeFile(file, whole.subarray(0, Math.floor(whole.length * 0.6)));
      const cut = await runClew(['import', file, '-d', dir, '--no-metrics']);
      expect(cut.code, `${name}: ${cut.stderr}`).toBe(0);
      expect(cut.stdout, name).toMatch(/: done up to (line|byte) \d+/);
      expect(cut.stdout, name).toContain('not read yet: the file ends inside it');
      // A position in what a file compressed as a whole decompresses to says so; one whose requests are each
      // compressed is a position of the file itself.
      if (name === 'growing.pb.zst') expect(cut.stdout).toMatch(/\n {2}byte \d+ \(decompressed\): not read yet/);
      if (name === 'growing-each.pb') expect(cut.stdout).toMatch(/\n {2}byte \d+: not read yet/);
      const first = await stored({ dir });
      expect(first.length, name).toBeGreaterThan(0);
      expect(first.length, name).toBeLessThan(spans.length);

      await writeFile(file, whole);
      const grown = await runClew(['import', file, '-d', dir, '--no-metrics']);
      expect(grown.code, `${name}: ${grown.stderr}`).toBe(0);
      expect(grown.stdout, name).toContain(': done\n');
      expect(grown.stdout, name).toContain(`spans read ${n(spans.length)}, written ${n(spans.length)}, refused 0`);
      expect(await stored({ dir }), name).toEqual(all);
    }

    // Cut inside its first block: nothing yet, said so; whole, it all goes in.
    const file = join(tmp.dir, 'first-block.jsonl.zst');
    const whole = zstd(lines);
    await writeFile(file, whole.subarray(0, 1000));
    const early = await runClew(['import', file, '-d', join(tmp.dir, 'data-first-block')]);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('nothing can be read from it yet (cut short, or still being written; run the same command again once it has grown)');
    await writeFile(file, whole);
    const later = await runClew(['import', file, '-d', join(tmp.dir, 'data-first-block')]);
    expect(later.code, later.stderr).toBe(0);
    expect(later.stdout).toContain(`spans read ${n(spans.length)}, written ${n(spans.length)}, refused 0`);

    // pzstd's file cut right after its first skippable frame, which announces a frame: nothing yet, not an empty file,
    // whether the format is told from the content or given.
    const parallel = join(tmp.dir, 'parallel.jsonl.zst');
    await writeFile(parallel, execFileSync('pzstd', ['-q', '-c'], { input: lines, maxBuffer: 1 << 30 }).subarray(0, 12));
    for (const flags of [[], ['--format', 'otlp-json']]) {
      const none = await runClew(['import', parallel, '-d', join(tmp.dir, 'data-parallel'), ...flags]);
      expect(none.code, flags.join(' ')).toBe(1);
      expect(none.stderr, flags.join(' ')).toContain('nothing can be read from it yet (cut short, or still being written; run the same command again once it has grown): it ends before any of its content (zstd)');
    }
  });

  it('damage: what decompresses before it goes in, the rest is said to be damaged (exit 1); a damaged request is skipped', async () => {
    // gzip's CRC at the end of the member, zstd's checksum at the end of its frame: both known once the content is out.
    // Megabytes of lines: node's zlib gives nothing of the stretch it was decompressing when it met the damage.
    const many = daySpans(23, 2000);
    const lines = Buffer.concat(Array.from({ length: many.length / 30 }, (_, i) => encodeExportRequests(many.slice(i * 30, (i + 1) * 30), 'json')[0]!));
    const gz = gzipSync(lines);
    gz[gz.length - 6]! ^= 0xff;
    const zst = zstd(lines);
    zst[zst.length - 2]! ^= 0xff;
    const keys = new Set(many.map((s) => s.traceId + s.spanId));
    for (const [name, body, said] of [
      ['bad.jsonl.gz', gz, 'cannot decompress it (gzip) past byte'],
      ['bad.jsonl.zst', zst, 'does not match its checksum: it is damaged, and records read from it may be too'],
    ] as const) {
      const file = join(tmp.dir, name);
      await writeFile(file, body);
      const bad = await runClew(['import', file, '-d', join(tmp.dir, `data-${name}`), '--no-metrics']);
      expect(bad.code, name).toBe(1);
      expect(bad.stdout, name).toMatch(/: done up to (after )?line \d+\n/);
      expect(bad.stdout, name).toContain(said);
      expect(bad.stdout, name).toContain('what could be decompressed before it is imported, nothing from it on');
      expect(bad.stderr, name).toMatch(new RegExp(`${name.replace('.', '\\.')}: damaged at (after )?line \\d+: `));
      const back = await storedIn(join(tmp.dir, `data-${name}`));
      expect(back.length, name).toBeGreaterThan(0);
      expect(back.every((s) => keys.has(s.traceId + s.spanId)), name).toBe(true);
    }
    // Two members, the second damaged: every span of the first goes in, and the checkpoint stays before the damage.
    const requests = Array.from({ length: many.length / 30 }, (_, i) => encodeExportRequests(many.slice(i * 30, (i + 1) * 30), 'json')[0]!);
    const [a, b] = half(requests);
    const second = gzipSync(Buffer.concat(b));
    second[second.length - 6]! ^= 0xff;
    const members = join(tmp.dir, 'damaged-members.jsonl.gz');
    await writeFile(members, Buffer.concat([gzipSync(Buffer.concat(a)), second]));
    const dir = join(tmp.dir, 'data-members');
    const firstHalf = many.slice(0, a.length * 30);
    const r = await runClew(['import', members, '-d', dir, '--no-metrics']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout, r.stderr).toContain('incorrect data check');
    const back = await storedIn(dir);
    // Each span once, the first member's all.
    expect(new Set(back.map((s) => s.traceId + s.spanId)).size).toBe(back.length);
    const got = new Set(back.map((s) => s.traceId + s.spanId));
    expect(firstHalf.every((s) => got.has(s.traceId + s.spanId))).toBe(true);
    // Run again, it does not go on past the damage: a repaired copy is imported afresh, the checkpoint removed.
    const again = await runClew(['import', members, '-d', dir, '--no-metrics']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/stopped at damage \((after )?line \d+\)/);
    expect(again.stderr).toContain('remove the checkpoint to import a repaired copy afresh');
    expect(await storedIn(dir)).toHaveLength(back.length);

    // Content ending with a whole line, then bytes that are not zstd: every line read once, and nothing else.
    const padded = join(tmp.dir, 'padded.jsonl.zst');
    await writeFile(padded, Buffer.concat([zstd(Buffer.concat(JSON_LINES)), Buffer.alloc(1000)]));
    const pad = await runClew(['import', padded, '-d', join(tmp.dir, 'data-padded'), '--no-metrics']);
    expect(pad.code).toBe(1);
    expect(pad.stdout).toContain(`spans read ${SPANS.length}, written ${SPANS.length}, refused 0\n`);
    expect(pad.stdout).toContain(`after line ${JSON_LINES.length}: not read: cannot decompress it (zstd)`);
    expect(await storedIn(join(tmp.dir, 'data-padded'))).toEqual(sorted);

    // A first request refused (its window past what is read) is skipped too; the next tells the format.
    const refused = Buffer.from([0, 0, 0, 6, 0x28, 0xb5, 0x2f, 0xfd, 0x00, 20 << 3]);
    const refusedFile = join(tmp.dir, 'refused-first.pb');
    await writeFile(refusedFile, Buffer.concat([refused, eachCompressed(PROTO.map((r) => r.subarray(4)))]));
    const rf = await runClew(['import', refusedFile, '-d', join(tmp.dir, 'data-refused-first'), '--no-metrics']);
    expect(rf.code, rf.stderr).toBe(0);
    expect(rf.stdout).toContain('byte 0: skipped: its zstd window is 1024 MiB');
    expect(rf.stdout).toContain(`spans read ${SPANS.length}, written ${SPANS.length}, refused 0; 1 unreadable record(s) skipped`);

    // Requests each compressed: a damaged one is skipped, the first too (the format is told from the next).
    const frames = PROTO.map((r) => r.subarray(4));
    const each = eachCompressed(frames);
    for (const [name, at, skipped] of [
      ['bad-each.pb', 4 + each.readUInt32BE(0), 1],
      ['bad-first.pb', 0, 0],
    ] as const) {
      // Its checksum: fzstd would give the content without a word.
      const damaged = Buffer.from(each);
      damaged[at + 4 + each.readUInt32BE(at) - 2]! ^= 0xff;
      const file = join(tmp.dir, name);
      await writeFile(file, damaged);
      const into = join(tmp.dir, `data-${name}`);
      const run = await runClew(['import', file, '-d', into, '--no-metrics']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`byte ${at}: skipped: cannot decompress it (zstd)`);
      expect(run.stdout).toContain(`spans read ${SPANS.length - 15}, written ${SPANS.length - 15}, refused 0; 1 unreadable record(s) skipped`);
      expect(await storedIn(into)).toEqual([...SPANS.slice(0, skipped * 15), ...SPANS.slice((skipped + 1) * 15)].sort(bySpanKey));
    }
  });
});
