import type { Tenant } from '@clew/model';
import { goHtmlSafe } from '@clew/model';

/** Jaeger's `api_v2.SamplingStrategyType` (proto/api_v2/sampling.proto), by name as its JSON writes it. */
export type StrategyType = 'PROBABILISTIC' | 'RATE_LIMITING';

export interface OperationStrategy {
  readonly operation: string;
  readonly probabilisticSampling: { readonly samplingRate: number };
}

/** `api_v2.PerOperationSamplingStrategies`. */
export interface PerOperationStrategies {
  readonly defaultSamplingProbability: number;
  readonly defaultLowerBoundTracesPerSecond: number;
  readonly perOperationStrategies: readonly OperationStrategy[];
  readonly defaultUpperBoundTracesPerSecond: number;
}

/** `api_v2.SamplingStrategyResponse`: what `GET /api/sampling?service=` answers. */
export interface StrategyResponse {
  readonly strategyType: StrategyType;
  readonly probabilisticSampling?: { readonly samplingRate: number };
  /** An int32 on the wire. */
  readonly rateLimitingSampling?: { readonly maxTracesPerSecond: number };
  readonly operationSampling?: PerOperationStrategies;
}

/** Where strategies come from: the configuration, or what adaptive sampling has learned. */
export interface StrategyProvider {
  /** The strategy of a tenant's service (adaptive strategies are learned per tenant; configured ones are everyone's). */
  strategyFor(service: string, tenant?: Tenant): StrategyResponse;
}

export const probabilistic = (samplingRate: number): StrategyResponse => ({ strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate } });

/**
 * The JSON Jaeger's sampling handler writes (`internal/uimodel/converter/v1/json/sampling.go`,
 * `SamplingStrategyResponseToJSON`): gogo jsonpb with EmitDefaults, so fields in the .proto's order, the enum by name
 * (`"strategyType":"PROBABILISTIC"` even though it is 0) and every number of a message present, then the three null
 * top-level strategies cut out of the text. Numbers and strings are encoding/json's: JSON.stringify's, HTML-safe.
 * @example strategyResponseJson(probabilistic(0.8)) // {"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":0.8}}
 */
export function strategyResponseJson(r: StrategyResponse): string {
  const ops = r.operationSampling;
  return goHtmlSafe(
    JSON.stringify({
      strategyType: r.strategyType,
      ...(r.probabilisticSampling && { probabilisticSampling: { samplingRate: r.probabilisticSampling.samplingRate } }),
      ...(r.rateLimitingSampling && { rateLimitingSampling: { maxTracesPerSecond: r.rateLimitingSampling.maxTracesPerSecond } }),
      ...(ops && {
        operationSampling: {
          defaultSamplingProbability: ops.defaultSamplingProbability,
          defaultLowerBoundTracesPerSecond: ops.defaultLowerBoundTracesPerSecond,
          perOperationStrategies: ops.perOperationStrategies.map((o) => ({
            operation: o.operation,
            probabilisticSampling: { samplingRate: o.probabilisticSampling.samplingRate },
          })),
          defaultUpperBoundTracesPerSecond: ops.defaultUpperBoundTracesPerSecond,
        },
      }),
    }),
  );
}
