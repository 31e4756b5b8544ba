import { diag } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import type { RemoteSamplingOptions, SamplingOptions } from './options.js';
import { JaegerRemoteSampler } from './sampling/jaeger-remote-sampler.js';

/**
 * The sampler for `sampling`; every strategy follows the caller's decision (parent-based). A remote sampler's
 * `stop` (end of polling) is pushed onto `stops` for the SDK's shutdown.
 */
export function createSampler(sampling: SamplingOptions, serviceName: string, stops: Array<() => void> = []): Sampler {
  switch (sampling.type) {
    case 'always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'ratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(sampling.ratio) });
    case 'remote': {
      const remote = new JaegerRemoteSampler({ ...sampling, serviceName });
      stops.push(() => remote.stop());
      return new ParentBasedSampler({ root: remote });
    }
  }
}

/**
 * Reads `OTEL_TRACES_SAMPLER=jaeger_remote` or `parentbased_jaeger_remote` and its
 * `OTEL_TRACES_SAMPLER_ARG` (`endpoint=…,pollingIntervalMs=…,initialSamplingRate=…`). Other samplers are left to the
 * OpenTelemetry SDK, which reads them itself; returns undefined for them.
 */
export function remoteSamplingFromEnv(env: NodeJS.ProcessEnv): RemoteSamplingOptions | undefined {
  const name = env.OTEL_TRACES_SAMPLER?.trim();
  if (name !== 'jaeger_remote' && name !== 'parentbased_jaeger_remote') return undefined;
  const options: RemoteSamplingOptions = { type: 'remote' };
  for (const pair of (env.OTEL_TRACES_SAMPLER_ARG ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (key === 'endpoint') options.endpoint = value;
    else if (key === 'pollingIntervalMs' && Number.isFinite(Number(value))) options.pollingIntervalMs = Number(value);
    else if (key === 'initialSamplingRate' && Number.isFinite(Number(value))) options.initialSamplingRate = Number(value);
    else diag.warn(`@clew/node: ignoring "${pair.trim()}" in OTEL_TRACES_SAMPLER_ARG (known: endpoint, pollingIntervalMs, initialSamplingRate)`);
  }
  return options;
}
