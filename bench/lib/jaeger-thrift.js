// Model spans as Jaeger clients send them: one jaeger.thrift Batch per service (process), encoded by thriftrw in
// the binary protocol, the encoder jaeger-client uses (its HTTPSender body and, wrapped in Agent.emitBatch, its
// UDPSender datagram).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const { Thrift } = require('thriftrw');
const idl = join(dirname(require.resolve('jaeger-client/package.json')), 'dist/src/jaeger-idl/thrift/jaeger.thrift');
const thrift = new Thrift({ source: readFileSync(idl, 'ascii'), allowOptionalArguments: true });

const KINDS = { 1: 'internal', 2: 'server', 3: 'client', 4: 'producer', 5: 'consumer' };

/** One Batch per resource among `spans`, each as a binary Thrift buffer. */
export function encodeJaegerBatches(spans) {
  const byResource = new Map();
  for (const s of spans) {
    let list = byResource.get(s.resource);
    if (list === undefined) byResource.set(s.resource, (list = []));
    list.push(s);
  }
  return [...byResource].map(([resource, list]) => {
    const service = resource.attributes.find((kv) => kv.key === 'service.name')?.value.value ?? '';
    const batch = new thrift.Batch({
      process: { serviceName: service, tags: resource.attributes.filter((kv) => kv.key !== 'service.name').map(tag) },
      spans: list.map(toThriftSpan),
    });
    const out = thrift.Batch.rw.toBuffer(batch);
    if (out.err) throw out.err;
    return out.value;
  });
}

function toThriftSpan(s) {
  const tags = s.attributes.map(tag);
  if (KINDS[s.kind]) tags.push({ key: 'span.kind', vType: 'STRING', vStr: KINDS[s.kind] });
  if (s.status.code === 2) tags.push({ key: 'error', vType: 'BOOL', vBool: true });
  const micros = (ns) => i64(ns / 1000n);
  return {
    traceIdHigh: Buffer.from(s.traceId.slice(0, 16), 'hex'),
    traceIdLow: Buffer.from(s.traceId.slice(16), 'hex'),
    spanId: Buffer.from(s.spanId, 'hex'),
    parentSpanId: s.parentSpanId ? Buffer.from(s.parentSpanId, 'hex') : i64(0n),
    operationName: s.name,
    flags: 1,
    startTime: micros(s.startTimeUnixNano),
    duration: micros(s.endTimeUnixNano - s.startTimeUnixNano),
    tags,
    logs: s.events.map((e) => ({ timestamp: micros(e.timeUnixNano), fields: [{ key: 'event', vType: 'STRING', vStr: e.name }, ...e.attributes.map(tag)] })),
  };
}

function tag({ key, value }) {
  switch (value.type) {
    case 'int':
      return { key, vType: 'LONG', vLong: i64(value.value) };
    case 'double':
      return { key, vType: 'DOUBLE', vDouble: value.value };
    case 'bool':
      return { key, vType: 'BOOL', vBool: value.value };
    default:
      return { key, vType: 'STRING', vStr: String(value.value) };
  }
}

function i64(v) {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt.asIntN(64, v));
  return b;
}
