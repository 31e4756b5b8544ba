import type { Tenant } from '@clew/model';
import type { Logger } from 'pino';
import type { ClewConfig } from '../../config/schema.js';
import type { Metrics } from '../../observability/metrics.js';
import type { IngestPipeline } from '../../pipeline/ingest.js';
import type { JaegerAgentListener } from './agent-listener.js';
import { startJaegerAgentListener } from './agent-listener.js';

export interface JaegerAgent {
  /** host:port of the compact-protocol port (6831) and the binary one (6832). */
  readonly compact: string;
  readonly binary: string;
  stop(): Promise<void>;
}

/** The Jaeger agent's two UDP ports, both or neither: one that fails to bind closes the other. */
export async function startJaegerAgent(opts: { config: ClewConfig; log: Logger; metrics: Metrics; pipeline: IngestPipeline; tenant: Tenant }): Promise<JaegerAgent> {
  const { config, ...rest } = opts;
  const compact = await startJaegerAgentListener({ ...rest, host: config.host, port: config.ports.jaegerCompact, protocol: 'compact' });
  let binary: JaegerAgentListener;
  try {
    binary = await startJaegerAgentListener({ ...rest, host: config.host, port: config.ports.jaegerBinary, protocol: 'binary' });
  } catch (err) {
    await compact.stop();
    throw err;
  }
  return {
    compact: compact.address,
    binary: binary.address,
    stop: async () => {
      await Promise.all([compact.stop(), binary.stop()]);
    },
  };
}
