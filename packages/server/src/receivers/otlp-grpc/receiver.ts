import { encodeExportResponseProto } from '@clew/codecs';
import type { sendUnaryData, ServerUnaryCall, ServiceDefinition } from '@grpc/grpc-js';
import { Metadata, Server, ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { DEFAULT_TENANT } from '@clew/model';
import type { Authenticator } from '../../auth/authenticator.js';
import type { TenantLimits } from '../../auth/tenant-limits.js';
import { asClewError } from '../../errors.js';
import type { IngestPipeline } from '../../pipeline/ingest.js';
import { receive } from '../decode-payload.js';
import type { Metrics } from '../../observability/metrics.js';
import { refusalReason } from '../../observability/metrics.js';
import { PayloadFormat } from '../../wal/record.js';
import { encodeRpcStatusProto } from '../rpc-status.js';

export interface OtlpGrpcOptions {
  readonly host: string;
  readonly port: number;
  readonly pipeline: IngestPipeline;
  readonly metrics: Metrics;
  readonly maxRequestBytes: number;
  readonly log: Logger;
  /** TLS credentials; plaintext when absent. */
  readonly credentials?: ServerCredentials;
  /** Checks the `authorization` metadata (as the OTel SDK sends OTEL_EXPORTER_OTLP_HEADERS); off when absent. */
  readonly authenticator?: Authenticator | undefined;
  readonly tenantLimits?: TenantLimits | undefined;
}

const PROTOCOL = 'otlp_grpc';
const identity = (b: Buffer) => b;

/** TraceService/Export with raw bytes in and out: Clew's own reader decodes, not a generated stub. */
const traceService: ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

/** A metadata value as text (binary `-bin` keys are not credentials). */
function first(metadata: Metadata, key: string): string | undefined {
  const v = metadata.get(key)[0];
  return typeof v === 'string' ? v : undefined;
}

/** OTLP/gRPC on its own port; grpc-js undoes gzip message compression before the handler sees the bytes. */
export async function startOtlpGrpc(opts: OtlpGrpcOptions): Promise<{ port: number; stop(): Promise<void> }> {
  const server = new Server({
    'grpc.max_receive_message_length': opts.maxRequestBytes,
    'grpc.max_send_message_length': 4 * 1024 * 1024,
  });
  server.addService(traceService, {
    Export(call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) {
      // Decoding throws for a malformed message: inside the promise, so it is answered like any refusal.
      Promise.resolve(call.request)
        .then((body) => {
          const tenant = opts.authenticator ? opts.authenticator.authenticate(first(call.metadata, 'authorization'), first(call.metadata, 'x-scope-orgid'), 'write').tenant : DEFAULT_TENANT;
          opts.tenantLimits?.checkRequestBytes(tenant, body.length);
          return opts.pipeline.ingest(receive(PROTOCOL, PayloadFormat.OTLP_PROTO, body, tenant));
        })
        .then(
          (result) => {
            opts.metrics.spansAccepted.inc({ protocol: PROTOCOL }, result.accepted);
            const body = encodeExportResponseProto(result.rejected, result.rejectMessage);
            callback(null, Buffer.from(body.buffer, body.byteOffset, body.byteLength));
          },
          (err: unknown) => {
            const e = asClewError(err);
            if (e.code === 'INTERNAL') opts.log.error({ err }, 'OTLP/gRPC export failed');
            opts.metrics.requestsRefused.inc({ protocol: PROTOCOL, reason: refusalReason(e.code) });
            const metadata = new Metadata();
            if (e.retryAfterSeconds !== undefined) {
              metadata.set('grpc-status-details-bin', encodeRpcStatusProto(e.grpcStatus, e.message, e.retryAfterSeconds));
            }
            callback({ code: e.grpcStatus, details: e.message, metadata });
          },
        );
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${opts.port}`, opts.credentials ?? ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 5000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
