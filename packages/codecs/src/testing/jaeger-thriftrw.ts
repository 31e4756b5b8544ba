import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { JaegerBatch, JaegerTag } from '../jaeger/jaeger-batch.js';
import { TagType } from '../jaeger/jaeger-batch.js';

const require = createRequire(import.meta.url);
// thriftrw and the IDL files jaeger-client ships and encodes with: the encoder real Jaeger Node clients use.
const { Thrift } = require('thriftrw') as { Thrift: new (opts: object) => any };
const idl = join(dirname(require.resolve('jaeger-client/package.json')), 'dist/src');
const jaegerThrift = new Thrift({ source: readFileSync(join(idl, 'jaeger-idl/thrift/jaeger.thrift'), 'ascii'), allowOptionalArguments: true });
const agentThrift = new Thrift({ entryPoint: join(idl, 'thriftrw-idl/agent.thrift'), allowOptionalArguments: true, allowFilesystemAccess: true });

/** `batch` as jaeger-client's HTTPSender encodes it (thriftrw, binary protocol). */
export function thriftrwBatch(batch: JaegerBatch): Buffer {
  const out = jaegerThrift.Batch.rw.toBuffer(new jaegerThrift.Batch(toThriftrw(batch)));
  if (out.err) throw out.err;
  return out.value as Buffer;
}

/** `batch` as jaeger-client's UDPSender sends it: an Agent.emitBatch message (thriftrw, binary protocol). */
export function thriftrwEmitBatch(batch: JaegerBatch): Buffer {
  const message = new agentThrift.Agent.emitBatch.ArgumentsMessage({ version: 1, id: 0, body: { batch: new jaegerThrift.Batch(toThriftrw(batch)) } });
  const out = agentThrift.Agent.emitBatch.argumentsMessageRW.toBuffer(message);
  if (out.err) throw out.err;
  return out.value as Buffer;
}

function toThriftrw(b: JaegerBatch): object {
  return {
    process: { serviceName: b.process.serviceName, tags: b.process.tags?.map(tagObject) ?? null },
    spans: b.spans.map((s) => ({
      traceIdLow: i64(s.traceIdLow),
      traceIdHigh: i64(s.traceIdHigh),
      spanId: i64(s.spanId),
      parentSpanId: i64(s.parentSpanId),
      operationName: s.operationName,
      references: s.references.length === 0 ? null : s.references.map((r) => ({ refType: r.refType === 0 ? 'CHILD_OF' : 'FOLLOWS_FROM', traceIdLow: i64(r.traceIdLow), traceIdHigh: i64(r.traceIdHigh), spanId: i64(r.spanId) })),
      flags: s.flags,
      startTime: i64(s.startTime),
      duration: i64(s.duration),
      tags: s.tags.length === 0 ? null : s.tags.map(tagObject),
      logs: s.logs.length === 0 ? null : s.logs.map((l) => ({ timestamp: i64(l.timestamp), fields: l.fields.map(tagObject) })),
    })),
  };
}

const TYPE_NAMES = ['STRING', 'DOUBLE', 'BOOL', 'LONG', 'BINARY'];

function tagObject(t: JaegerTag): object {
  const o: Record<string, unknown> = { key: t.key, vType: TYPE_NAMES[t.vType] };
  if (t.vType === TagType.STRING) o.vStr = t.vStr;
  else if (t.vType === TagType.DOUBLE) o.vDouble = t.vDouble;
  else if (t.vType === TagType.BOOL) o.vBool = t.vBool;
  else if (t.vType === TagType.LONG) o.vLong = i64(t.vLong);
  else o.vBinary = Buffer.from(t.vBinary);
  return o;
}

function i64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt.asIntN(64, v));
  return b;
}
