import type { Intrinsic, KindName, StatusName } from './ast.js';

/** Intrinsic names as written, Tempo 2.x colon forms included, to the one each stands for. */
export const INTRINSICS: ReadonlyMap<string, Intrinsic> = new Map<string, Intrinsic>([
  ['name', 'name'],
  ['span:name', 'name'],
  ['status', 'status'],
  ['span:status', 'status'],
  ['statusMessage', 'statusMessage'],
  ['span:statusMessage', 'statusMessage'],
  ['kind', 'kind'],
  ['span:kind', 'kind'],
  ['duration', 'duration'],
  ['span:duration', 'duration'],
  ['rootName', 'rootName'],
  ['trace:rootName', 'rootName'],
  ['rootServiceName', 'rootServiceName'],
  ['trace:rootService', 'rootServiceName'],
  ['traceDuration', 'traceDuration'],
  ['trace:duration', 'traceDuration'],
  ['span:id', 'spanID'],
  ['trace:id', 'traceID'],
  ['span:parentID', 'parentID'],
  ['childCount', 'childCount'],
  ['span:childCount', 'childCount'],
  ['nestedSetLeft', 'nestedSetLeft'],
  ['nestedSetRight', 'nestedSetRight'],
  ['nestedSetParent', 'nestedSetParent'],
]);

/** Tempo intrinsics Clew does not evaluate: refused with a clear error rather than read as unknown. */
export const UNSUPPORTED_INTRINSICS: ReadonlySet<string> = new Set([
  'parent',
  'event:name',
  'event:timeSinceStart',
  'link:spanID',
  'link:traceID',
  'instrumentation:name',
  'instrumentation:version',
]);

/** What each intrinsic holds, for the parser's type checks. */
export const INTRINSIC_TYPES: Record<Intrinsic, 'string' | 'number' | 'status' | 'kind'> = {
  name: 'string',
  status: 'status',
  statusMessage: 'string',
  kind: 'kind',
  duration: 'number',
  rootName: 'string',
  rootServiceName: 'string',
  traceDuration: 'number',
  spanID: 'string',
  traceID: 'string',
  parentID: 'string',
  childCount: 'number',
  nestedSetLeft: 'number',
  nestedSetRight: 'number',
  nestedSetParent: 'number',
};

export const STATUS_NAMES: ReadonlySet<string> = new Set<StatusName>(['ok', 'error', 'unset']);
export const KIND_NAMES: ReadonlySet<string> = new Set<KindName>(['unspecified', 'internal', 'server', 'client', 'producer', 'consumer']);
