export type { TimedSpan, TraceJsonLike } from './timed-span.js';
export { durationOf, timedSpansFromApi, timedSpansFromModel, timedSpansFromOutline } from './timed-span.js';
export type { SpanTree, TreeSpan } from './span-tree.js';
export { buildSpanTree, spanTreeFromParents } from './span-tree.js';
export type { Clipped } from './clip-to-parents.js';
export { clipToParents } from './clip-to-parents.js';
export type { CriticalPath, CriticalPathSection } from './critical-path.js';
export { criticalPath } from './critical-path.js';
export { selfTimes } from './self-time.js';
export type { OperationStats } from './operation-stats.js';
export { operationStats } from './operation-stats.js';
export type { FlameBar, FlameLayout } from './flame-layout.js';
export { flameLayout } from './flame-layout.js';
export type { ConnectionType, EdgeSink, GraphAttributeValues, GraphSpan, ServiceGraphCounters, ServiceGraphEdge, ServiceGraphOptions } from './service-graph.js';
export { DEFAULT_DATABASE_NAME_ATTRIBUTES, DEFAULT_PEER_ATTRIBUTES, graphAttributeSlots, ServiceGraphPairer } from './service-graph.js';
export type { ErrorBudget, Millis, MinuteCount, SloObjective, SloStatus, SpanCounts, WindowBurn, WindowCounts } from './slo.js';
export { budgetFraction, burnRate, DAY, HOUR, MINUTE, SLO_WINDOWS, sloEventCounts, sloStatus, windowCounts } from './slo.js';
export type { AlertEvaluation, AlertTransition, BurnRateRule, FiringSince, RuleEvaluation } from './burn-rate-alerts.js';
export { alertTransitions, evaluateBurnRateAlerts, nextAlertState, WORKBOOK_BURN_RATE_RULES } from './burn-rate-alerts.js';
export type { AlertmanagerWebhookBody, Labels, WebhookAlert, WebhookAlertInput, WebhookGroup } from './slo-webhook.js';
export { alertmanagerWebhookBody, labelSetString, labelsFingerprint, sloWebhookAlert, ZERO_TIME } from './slo-webhook.js';
export {
  doubles,
  LATENCY_RELATIVE_ACCURACY,
  LatencyBinsBuilder,
  latencyBinsOf,
  latencyCount,
  latencyCountAtOrBelow,
  latencyKey,
  latencyKeyValue,
  latencyQuantile,
  latencyQuantiles,
  latencyQuantileKey,
  mergeLatencyBins,
} from './latency-sketch.js';
export type { DiffNode, DiffPresence, DiffSide, DiffTraceSummary, TraceDiff } from './trace-diff.js';
export { traceDiff } from './trace-diff.js';
export type { AggregateCriticalPath, CriticalPathFlameNode, CriticalPathOperation } from './aggregate-critical-path.js';
export { CriticalPathAggregator, flameGraphSpans } from './aggregate-critical-path.js';
export type { NPlusOne, PatternSpan, RepeatedCall, Retry, TracePatternOptions, TracePatterns } from './trace-patterns.js';
export { DEFAULT_N_PLUS_ONE_REPEATS, tracePatterns } from './trace-patterns.js';
export { normalizeStatement, patternSpansFromModel } from './pattern-spans.js';
export type {
  AttributeComparison,
  AttributeCountsInput,
  ComparedSide,
  ComparisonOptions,
  KeyCountsInput,
  RankedValue,
  SetAsideKey,
  SetAsideReason,
  ValueCountsInput,
} from './attribute-comparison.js';
export { compareAttributes, highCardinalityReason, twoProportionZ } from './attribute-comparison.js';
