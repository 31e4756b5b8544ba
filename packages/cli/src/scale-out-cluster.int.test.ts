// Collectors and a query node over a two-shard ClickHouse cluster (two local servers naming each other in
// remote_servers): the real OTel exporters send to both collectors and every span reads back through the query node;
// a collector killed with -9 while one shard refuses its writes loses nothing it acknowledged and, replayed, writes
// nothing twice on the shard that had taken them; tail sampling across the two collectors keeps error traces whole.
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { describe, expect, it } from 'vitest';
import { useClickHouseCluster } from '@clew/testing/clickhouse-server';
import { getJson } from '@clew/testing/clew-process';
import { exportWith } from './testing/otel.js';
import { expectErrorTracesWholeAcrossPeers, serverTrace, spansOf, useScaleOut } from './testing/scale-out.js';

const cluster = useClickHouseCluster();
const shardUrls = (): string[] => cluster().shards.map((s) => s.url);
const fleet = useScaleOut(
  (source, database) => `{ url: ${shardUrls()[0]}, database: ${database}, source: ${source}, cluster: ${cluster().name}, shards: [${shardUrls().join(', ')}] }`,
);

/** One number from a shard's server (0 for a statement that returns nothing). */
async function scalar(url: string, sql: string): Promise<number> {
  const res = await fetch(`${url}/`, { method: 'POST', body: sql });
  const text = await res.text();
  if (!res.ok) throw new Error(text);
  return Number(text.trim());
}

/** The index in shardUrls of the shard that holds a trace: the sharding key (the id's last four bytes) modulo 2. */
const shardOfTrace = (traceId: string): number => Number.parseInt(traceId.slice(24), 16) % 2;

/** `n` traces of 8 spans, at least one on each shard (ids are random: more are made until both shards have one). */
function tracesOnBothShards(service: string, n: number): Array<ReturnType<typeof serverTrace>> {
  const out: Array<ReturnType<typeof serverTrace>> = [];
  while (out.length < n || new Set(out.map((t) => shardOfTrace(t[0]!.spanContext().traceId))).size < 2) out.push(serverTrace(service, 7));
  return out;
}

describe('two collectors and a query node over a two-shard cluster', () => {
  it('reads back through the query node every span the exporters sent to either collector, each trace on one shard', async () => {
    const [c1, c2] = [await fleet.start('c1', 'collector', 'clew_spread'), await fleet.start('c2', 'collector', 'clew_spread')];
    const query = await fleet.start('q1', 'query', 'clew_spread');
    const [toC1, toC2] = [tracesOnBothShards('spread-svc', 10), tracesOnBothShards('spread-svc', 10)];
    const http = new HttpProtoExporter({ url: c1.otlpHttp });
    const grpc = new GrpcExporter({ url: `http://${c2.otlpGrpc}` });
    for (const t of toC1) expect((await exportWith(http, t)).code).toBe(0);
    for (const t of toC2) expect((await exportWith(grpc, t)).code).toBe(0);
    await Promise.all([http.shutdown(), grpc.shutdown()]);
    const all = [...toC1, ...toC2];
    for (const t of all) expect(await spansOf(query.query, t[0]!.spanContext().traceId, 8)).toBe(8);
    const found = await getJson(`${query.query}/api/traces?service=spread-svc&limit=1000&lookback=1h`);
    expect(found.body.data).toHaveLength(all.length);
    // Each shard holds its traces' spans and no other's.
    for (const [k, url] of shardUrls().entries()) {
      const mine = all.filter((t) => shardOfTrace(t[0]!.spanContext().traceId) === k);
      expect(mine.length).toBeGreaterThan(0);
      expect(await scalar(url, 'SELECT count() FROM clew_spread.spans_local')).toBe(mine.length * 8);
      const ids = mine.map((t) => `unhex('${t[0]!.spanContext().traceId}')`).join(', ');
      expect(await scalar(url, `SELECT count() FROM clew_spread.spans_local WHERE trace_id IN (${ids})`)).toBe(mine.length * 8);
    }
  });

  it('a collector killed with -9 while one shard refuses its writes loses no acknowledged span, and its replay writes none twice', async () => {
    const [one, two] = shardUrls() as [string, string];
    const collector = await fleet.start('c3', 'collector', 'clew_kill');
    const query = await fleet.start('q3', 'query', 'clew_kill');
    const exporter = new HttpProtoExporter({ url: collector.otlpHttp });
    const before = tracesOnBothShards('kill-svc', 10);
    for (const t of before) expect((await exportWith(exporter, t)).code).toBe(0);
    for (const t of before) expect(await spansOf(query.query, t[0]!.spanContext().traceId, 8)).toBe(8);
    // The second shard's spans table goes away: the collector's next batch lands on the first shard only (its rows, or
    // its position alone), and the collector retries the second (a real refusal by a real server). It is killed once
    // the first shard is ahead.
    const position = `SELECT greatest((SELECT max(wal_pos) FROM clew_kill.spans_local WHERE source = 'c3'),
      (SELECT max(wal_pos) FROM clew_kill.wal_positions WHERE source = 'c3'))`;
    const written = await scalar(one, position);
    await scalar(two, 'RENAME TABLE clew_kill.spans_local TO clew_kill.spans_away');
    const during = tracesOnBothShards('kill-svc', 10);
    for (const t of during) expect((await exportWith(exporter, t)).code).toBe(0);
    await exporter.shutdown();
    while ((await scalar(one, position)) <= written) await new Promise((r) => setTimeout(r, 100));
    await collector.kill();
    await scalar(two, 'RENAME TABLE clew_kill.spans_away TO clew_kill.spans_local');
    // The same collector (same log, same source) comes back: it replays from the second shard's position, and the
    // first shard's rows of that stretch are not written again.
    await fleet.restart('c3');
    for (const t of [...before, ...during]) expect(await spansOf(query.query, t[0]!.spanContext().traceId, 8)).toBe(8);
    const spans = (before.length + during.length) * 8;
    expect(await scalar(one, 'SELECT count() FROM clew_kill.spans')).toBe(spans);
    expect(await scalar(one, 'SELECT uniqExact(trace_id, span_id) FROM clew_kill.spans')).toBe(spans);
  });
});

describe('two collectors sharing tail sampling, and a query node, over a two-shard cluster', () => {
  it('keeps every error trace whole though its halves reached different collectors, and the query node reads it', async () => {
    await expectErrorTracesWholeAcrossPeers(fleet, 'clew_peers', { peers: 'peer', query: 'q4' });
  });
});
