import type { Tenant } from '@clew/model';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import type { ThriftProtocol } from '@clew/codecs';
import { DecodeError, readJaegerAgentHeader } from '@clew/codecs';
import type { Logger } from 'pino';
import { asClewError } from '../../errors.js';
import type { Metrics } from '../../observability/metrics.js';
import { refusalReason } from '../../observability/metrics.js';
import type { IngestPipeline } from '../../pipeline/ingest.js';
import { receive } from '../decode-payload.js';
import { PayloadFormat } from '../../wal/record.js';
import { DropLog } from './drop-log.js';

export interface JaegerAgentOptions {
  readonly host: string;
  readonly port: number;
  readonly protocol: ThriftProtocol;
  /** Whose spans the datagrams carry (UDP has no credentials: auth.agentTenant, or DEFAULT_TENANT without auth). */
  readonly tenant: Tenant;
  readonly pipeline: IngestPipeline;
  readonly metrics: Metrics;
  readonly log: Logger;
}

export interface JaegerAgentListener {
  /** host:port it is bound to. */
  readonly address: string;
  stop(): Promise<void>;
}

/** The kernel's receive buffer to ask for: bursts of 64 KB datagrams arrive faster than one decode. */
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * One of the Jaeger agent's UDP ports: every datagram is an `Agent.emitBatch` message in `protocol`, ingested as it
 * is (the write-ahead log keeps the datagram). UDP cannot answer, so a datagram that cannot be taken — malformed,
 * another Agent method, pipeline full — is dropped, counted in clew_requests_refused_total by reason and warned
 * about (rate-limited); the datagrams after it are handled as usual.
 */
export async function startJaegerAgentListener(opts: JaegerAgentOptions): Promise<JaegerAgentListener> {
  const protocol = `jaeger_${opts.protocol}`;
  const format = opts.protocol === 'compact' ? PayloadFormat.JAEGER_AGENT_COMPACT : PayloadFormat.JAEGER_AGENT_BINARY;
  const drops = new DropLog(opts.log, `Jaeger agent (${opts.protocol} Thrift)`);
  const pending = new Set<Promise<void>>();
  const socket = createSocket({ type: opts.host.includes(':') ? 'udp6' : 'udp4' });

  const refuse = (reason: string, message: string, from: string) => {
    opts.metrics.requestsRefused.inc({ protocol, reason });
    drops.drop(reason, message, from);
  };

  const handle = async (datagram: Buffer, from: string) => {
    try {
      const header = readJaegerAgentHeader(datagram, opts.protocol);
      if (header.name !== 'emitBatch') {
        refuse('unsupported_method', `Agent method "${header.name}" is not served (only emitBatch)`, from);
        return;
      }
      const result = await opts.pipeline.ingest(receive(protocol, format, datagram, opts.tenant));
      opts.metrics.spansAccepted.inc({ protocol }, result.accepted);
    } catch (err) {
      if (err instanceof DecodeError) refuse('malformed', `malformed ${opts.protocol} Thrift: ${err.message}`, from);
      else {
        const clewErr = asClewError(err);
        if (clewErr.code === 'INTERNAL') opts.log.error({ err }, 'Jaeger agent datagram failed');
        refuse(refusalReason(clewErr.code), clewErr.message, from);
      }
    }
  };

  socket.on('message', (datagram, rinfo) => {
    const p = handle(datagram, `${rinfo.address}:${rinfo.port}`);
    pending.add(p);
    void p.finally(() => pending.delete(p));
  });
  socket.on('error', (err) => opts.log.error({ err }, `Jaeger agent (${opts.protocol} Thrift) socket error`));
  await bind(socket, opts.port, opts.host);
  try {
    socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
  } catch {
    // The kernel's limit is lower; its default is what we get.
  }
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    address: `${host}:${socket.address().port}`,
    async stop() {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      await Promise.all(pending);
    },
  };
}

function bind(socket: Socket, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}
