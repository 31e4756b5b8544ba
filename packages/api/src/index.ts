export { API_BASE, ROUTES, serviceHealthPath, sloPath, traceOtlpPath, traceOutlinePath, tracePath, traceSearchPath, traceSpanPath } from './routes.js';
export type { ApiErrorBody, ApiErrorCode } from './errors.js';
export { API_ERROR_STATUS, ApiErrorBodySchema, ApiErrorCodeSchema } from './errors.js';
export type { ParameterProblem } from './parameter-error.js';
export { describeParameterError } from './parameter-error.js';
export { formatDuration, parseDuration } from './duration.js';
export { queryString } from './query-string.js';
export type { SpanKindName } from './query-params.js';
export { SPAN_KIND_NAMES, SpanKindNameSchema } from './query-params.js';
export type { Operation, OperationsQuery, OperationsQueryInput, OperationsResponse, ServicesResponse } from './services.js';
export { OperationSchema, OperationsQuerySchema, OperationsResponseSchema, ServicesResponseSchema } from './services.js';
export type {
  SearchAnchor,
  SearchPoint,
  SearchPointsResponse,
  SearchQuery,
  SearchQueryInput,
  SearchResponse,
  SearchSort,
  ServiceCount,
  TraceRow,
} from './search.js';
export {
  anchorText,
  SEARCH_DEFAULT_LIMIT,
  SEARCH_MAX_LIMIT,
  SEARCH_MAX_POINTS,
  SEARCH_SORTS,
  SearchPointSchema,
  SearchPointsResponseSchema,
  SearchQuerySchema,
  SearchResponseSchema,
  ServiceCountSchema,
  TraceRowSchema,
} from './search.js';
export type {
  AttributeKeysQueryInput,
  AttributeKeysResponse,
  AttributeValuesQueryInput,
  AttributeValuesResponse,
} from './autocomplete.js';
export {
  AttributeKeysQuerySchema,
  AttributeKeysResponseSchema,
  AttributeValuesQuerySchema,
  AttributeValuesResponseSchema,
} from './autocomplete.js';
export type { ApiAnyValue, ApiKeyValue } from './any-value.js';
export { ApiAnyValueSchema, ApiAttributesSchema, ApiKeyValueSchema } from './any-value.js';
export type { ApiEvent, ApiLink, ApiResource, ApiScope, ApiSpan, ApiTrace, StatusCodeName } from './trace.js';
export {
  ApiEventSchema,
  ApiLinkSchema,
  ApiResourceSchema,
  ApiScopeSchema,
  ApiSpanSchema,
  ApiTraceSchema,
  StatusCodeNameSchema,
} from './trace.js';
export type { TraceQueryInput, TraceSearchQueryInput } from './trace-query.js';
export { SpanParamsSchema, TraceParamsSchema, TraceQuerySchema, TraceSearchQuerySchema } from './trace-query.js';
export type { ApiTraceOutline, TraceSearchResponse } from './outline.js';
export { ApiTraceOutlineSchema, TraceSearchResponseSchema } from './outline.js';
export { toTraceOutline } from './to-trace-outline.js';
export type { SpanSearchExtras } from './span-text.js';
export { matchesWords, searchWords, spanSearchText } from './span-text.js';
export { fromApiAnyValue, fromApiAttributes, toApiAnyValue, toApiAttributes } from './any-value-convert.js';
export { sortSpans, toApiTrace } from './to-api-trace.js';
export { STATUS_CODE_NAMES } from './status-code-names.js';
export { fromApiTrace } from './from-api-trace.js';
export type {
  ErrorSummary,
  HealthWindowInput,
  MapEdge,
  MapNode,
  OperationHealth,
  RedFigures,
  RedPoint,
  ServiceDetailQueryInput,
  ServiceDetailResponse,
  ServiceHealth,
  ServiceMapResponse,
  ServicesHealthResponse,
} from './metrics.js';
export {
  ErrorSummarySchema,
  HEALTH_MAX_POINTS,
  HealthWindowSchema,
  MAP_NODE_TYPES,
  MapEdgeSchema,
  MapNodeSchema,
  OperationHealthSchema,
  RedFiguresSchema,
  RedPointSchema,
  ServiceDetailQuerySchema,
  ServiceDetailResponseSchema,
  ServiceHealthSchema,
  ServiceMapResponseSchema,
  ServicesHealthResponseSchema,
} from './metrics.js';
export type { BurnRate, SloAlert, SloDefinition, SloDefinitionInput, SloDetailResponse, SloErrorCode, SloResponse, SlosResponse, SloView } from './slos.js';
export {
  BurnRateSchema,
  SLO_WINDOW_NAMES,
  SloAlertSchema,
  SloDefinitionSchema,
  SloDetailResponseSchema,
  SLO_ERROR_STATUS,
  SloObjectiveSchema,
  SloResponseSchema,
  SlosResponseSchema,
  SloViewSchema,
} from './slos.js';
export type { ComparedTrace, CompareQueryInput, ComparisonNode, ComparisonSide, CriticalSection, TraceComparison } from './trace-diff.js';
export {
  COMPARE_ROUTE,
  comparePath,
  ComparedTraceSchema,
  CompareQuerySchema,
  ComparisonNodeSchema,
  ComparisonSideSchema,
  CriticalSectionSchema,
  TraceComparisonSchema,
} from './trace-diff.js';
export type {
  CriticalPathOperationRow,
  CriticalPathQuery,
  CriticalPathQueryInput,
  CriticalPathResponse,
  NPlusOneFinding,
  RetryFinding,
  TracePatternsQueryInput,
  TracePatternsResponse,
} from './critical-path-aggregate.js';
export {
  CRITICAL_PATH_DEFAULT_WINDOW_MS,
  CRITICAL_PATH_MAX_TRACES,
  CRITICAL_PATH_ROUTES,
  CriticalPathQuerySchema,
  CriticalPathResponseSchema,
  TracePatternsQuerySchema,
  TracePatternsResponseSchema,
  tracePatternsPath,
} from './critical-path-aggregate.js';
export type {
  AttributeCompareQuery,
  AttributeCompareQueryInput,
  AttributeCompareResponse,
  ComparedValue,
  HeatmapQuery,
  HeatmapQueryInput,
  HeatmapResponse,
  SearchFilter,
} from './attribute-comparison.js';
export {
  ATTRIBUTE_SCOPES,
  AttributeCompareQuerySchema,
  AttributeCompareResponseSchema,
  COMPARE_DEFAULT_MAX_SPANS,
  COMPARE_DEFAULT_WINDOW_MS,
  COMPARE_MAX_SPANS,
  ComparedValueSchema,
  HeatmapQuerySchema,
  HeatmapResponseSchema,
  SEARCH_COMPARE_ROUTE,
  SEARCH_HEATMAP_ROUTE,
  SearchFilterSchema,
} from './attribute-comparison.js';
export type { SessionResponse, TokenScope } from './session.js';
export { SessionResponseSchema, TokenScopeSchema } from './session.js';
export type { ArchivedTrace, ArchivedTraceResponse, ArchivedTracesResponse, ArchiveMark, ArchiveNoteRequest, ArchiveRequest, ArchiveStatusResponse, RangeArchiveDaysResponse } from './archive.js';
export {
  ARCHIVE_NOTE_MAX,
  ARCHIVE_ROUTES,
  ArchivedTraceResponseSchema,
  ArchivedTraceSchema,
  ArchivedTracesResponseSchema,
  ArchiveMarkSchema,
  ArchiveNoteRequestSchema,
  ArchiveRequestSchema,
  ArchiveStatusResponseSchema,
  archivePath,
  RangeArchiveDaysResponseSchema,
} from './archive.js';
