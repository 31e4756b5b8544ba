import type { UnixNanos } from '@clew/model';
import { ClewError } from '../../errors.js';
import type { JavaParams } from './java-params.js';

/** `GET /api/v2/traces` parameters after Zipkin's QueryRequest.Builder.build(): defaults filled in, checks passed. */
export interface ZipkinQueryRequest {
  readonly serviceName?: string;
  readonly remoteServiceName?: string;
  readonly spanName?: string;
  /** annotationQuery as key → value; '' means "an annotation with this value, or a tag with this key". */
  readonly annotationQuery: ReadonlyMap<string, string>;
  /** Microseconds. */
  readonly minDuration?: bigint;
  readonly maxDuration?: bigint;
  /** Milliseconds since the epoch. */
  readonly endTs: bigint;
  /** Milliseconds. */
  readonly lookback: bigint;
  readonly limit: number;
}

/** Zipkin's defaults: 10 traces, a lookback of one day (zipkin.query.lookback). */
export const DEFAULT_LIMIT = 10;
export const DEFAULT_LOOKBACK_MS = 86_400_000n;

/**
 * Reads and checks `GET /api/v2/traces` parameters with Zipkin's messages (`endTs <= 0`, `maxDuration <
 * minDuration`, …). Names are matched as given: Zipkin lowercases them because its storage does, Clew keeps case.
 */
export function parseQueryRequest(p: JavaParams, now: UnixNanos): ZipkinQueryRequest {
  const serviceName = nonEmpty(p.optional('serviceName'));
  const remoteServiceName = nonEmpty(p.optional('remoteServiceName'));
  let spanName = nonEmpty(p.optional('spanName'));
  if (spanName === 'all') spanName = undefined; // the UI's "all" entry
  const annotationQuery = parseAnnotationQuery(p.optional('annotationQuery') ?? '');
  const minDuration = p.long('minDuration');
  const maxDuration = p.long('maxDuration');
  const endTs = p.long('endTs') ?? now / 1_000_000n;
  const lookback = p.long('lookback') ?? DEFAULT_LOOKBACK_MS;
  const limit = p.int('limit') ?? DEFAULT_LIMIT;
  if (endTs <= 0n) throw new ClewError('BAD_PARAMETER', 'endTs <= 0');
  if (limit <= 0) throw new ClewError('BAD_PARAMETER', 'limit <= 0');
  if (lookback <= 0n) throw new ClewError('BAD_PARAMETER', 'lookback <= 0');
  if (minDuration !== undefined) {
    if (minDuration <= 0n) throw new ClewError('BAD_PARAMETER', 'minDuration <= 0');
    if (maxDuration !== undefined && maxDuration < minDuration) throw new ClewError('BAD_PARAMETER', 'maxDuration < minDuration');
  } else if (maxDuration !== undefined) {
    throw new ClewError('BAD_PARAMETER', 'maxDuration is only valid with minDuration');
  }
  return {
    ...(serviceName !== undefined && { serviceName }),
    ...(remoteServiceName !== undefined && { remoteServiceName }),
    ...(spanName !== undefined && { spanName }),
    annotationQuery,
    ...(minDuration !== undefined && { minDuration }),
    ...(maxDuration !== undefined && { maxDuration }),
    endTs,
    lookback,
    limit,
  };
}

/**
 * Zipkin's parseAnnotationQuery: terms joined by " and "; `key=value` asks for a tag with that value, a bare `key`
 * for an annotation with that value or a tag with that key.
 * @example parseAnnotationQuery('error and http.method=GET') // Map { 'error' => '', 'http.method' => 'GET' }
 */
export function parseAnnotationQuery(text: string): Map<string, string> {
  const out = new Map<string, string>();
  if (text === '') return out;
  for (const term of text.split(' and ')) {
    const i = term.indexOf('=');
    if (i < 0) out.set(term.trim(), '');
    else out.set(term.slice(0, i).trim(), term.slice(i + 1).trim());
  }
  out.delete('');
  return out;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
