import { diag } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import type { RemoteSamplingOptions, SamplingOptions } from './options.js';
import { JaegerRemoteSampler } from './sampling/jaeger-remote-sampler.js';

/**
 * The sampler for `sampling`; every strategy follows the caller's decision (parent-based). A remote sampler's
 * `stop` (end of polling) is pushed onto `stops` for the SDK's shutdown; it sends `token`, if any, as a Bearer token.
 */
export function createSampler(sampling: SamplingOptions, serviceName: string, stops: Array<() => void> = [], token?: string): Sampler {
  switch (sampling.type) {
    case 'always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'ratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(sampling.ratio) });
    case 'remote': {
      const remote = new JaegerRemoteSampler({ ...sampling, serviceName, token });
      stops.push(() => remote.stop());
      return new ParentBasedSampler({ root: remote });
    }
  }
}

/** The samplers OpenTelemetry's SDK builds from `OTEL_TRACES_SAMPLER` (sdk-node create-from-env.ts), by name. */
const ENV_SAMPLERS: Record<string, (ratio: () => number) => Sampler> = {
  always_on: () => new AlwaysOnSampler(),
  always_off: () => new AlwaysOffSampler(),
  traceidratio: (ratio) => new TraceIdRatioBasedSampler(ratio()),
  parentbased_always_on: () => new ParentBasedSampler({ root: new AlwaysOnSampler() }),
  parentbased_always_off: () => new ParentBasedSampler({ root: new AlwaysOffSampler() }),
  parentbased_traceidratio: (ratio) => new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio()) }),
};

function ratioFromEnv(env: NodeJS.ProcessEnv): number {
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  const ratio = arg ? Number(arg) : Number.NaN;
  if (ratio >= 0 && ratio <= 1) return ratio;
  diag.error(`@clew/node: OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1 for ${env.OTEL_TRACES_SAMPLER?.trim()} (it is ${JSON.stringify(arg ?? '')}); sampling every trace`);
  return 1;
}

/**
 * The sampler `OTEL_TRACES_SAMPLER` (and `OTEL_TRACES_SAMPLER_ARG`) names, as OpenTelemetry's SDK would build it
 * (`always_on`, `traceidratio` … follow no caller; the `parentbased_*` ones do), plus `jaeger_remote`. Clew builds it
 * itself so that B3SamplingStates can stand in front of it. Undefined when none is named, or an unknown one.
 * `token` goes to the remote sampler's endpoint.
 */
export function samplerFromEnv(env: NodeJS.ProcessEnv, serviceName: string, stops: Array<() => void> = [], token?: string): Sampler | undefined {
  const name = env.OTEL_TRACES_SAMPLER?.trim();
  if (!name) return undefined;
  const remote = remoteSamplingFromEnv(env);
  if (remote) return createSampler(remote, serviceName, stops, token);
  if (Object.hasOwn(ENV_SAMPLERS, name)) return ENV_SAMPLERS[name](() => ratioFromEnv(env));
  diag.error(`@clew/node: unknown OTEL_TRACES_SAMPLER "${name}" (known: ${[...Object.keys(ENV_SAMPLERS), 'jaeger_remote', 'parentbased_jaeger_remote'].join(', ')}); using parentbased_always_on`);
  return undefined;
}

/**
 * Reads `OTEL_TRACES_SAMPLER=jaeger_remote` or `parentbased_jaeger_remote` and its
 * `OTEL_TRACES_SAMPLER_ARG` (`endpoint=…,pollingIntervalMs=…,initialSamplingRate=…`); undefined for other samplers.
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
