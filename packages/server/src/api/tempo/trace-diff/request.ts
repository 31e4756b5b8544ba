import type { TraceId } from '@clew/model';
import { ClewError } from '../../../errors.js';
import { parseTempoTraceId } from '../trace-id.js';
import { VERSION_TRACE_PATCH_V0 } from './patch.js';
import { VERSION_TRACE_SUMMARY_V0_COMPOSED, VERSION_TRACE_SUMMARY_V0_NATIVE } from './summary.js';

/** One side of a diff request: the trace, and where to look for it (unix seconds). */
export interface TraceDiffSide {
  readonly traceId: TraceId;
  readonly start?: number;
  readonly end?: number;
}

export interface TraceDiffRequest {
  readonly base: TraceDiffSide;
  readonly compare: TraceDiffSide;
  readonly format: string;
}

/** A request Tempo would refuse, with Tempo's words; answered 400 as they are. */
export class TraceDiffRequestError extends Error {}

const FORMATS = [VERSION_TRACE_SUMMARY_V0_COMPOSED, VERSION_TRACE_PATCH_V0, VERSION_TRACE_SUMMARY_V0_NATIVE];

/**
 * The body of `POST /api/v2/traces/diff` as Tempo's api.ParseTraceDiffRequest reads it: `{"base":{"traceId",
 * "start","end"},"compare":{…},"format"}`, keys matched without regard to case as encoding/json matches them,
 * the format trace-patch-v0 when not given.
 */
export function parseTraceDiffRequest(body: string): TraceDiffRequest {
  if (body.trim() === '') throw new TraceDiffRequestError('invalid trace diff request body: EOF');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw new TraceDiffRequestError(`invalid trace diff request body: ${(e as Error).message}`);
  }
  const root = object(json, 'api.TraceDiffRequest', '');
  const formatValue = field(root, 'format');
  if (formatValue !== undefined && formatValue !== null && typeof formatValue !== 'string') throw typeError(formatValue, 'format', 'string');
  const format = typeof formatValue === 'string' && formatValue !== '' ? formatValue : VERSION_TRACE_PATCH_V0;
  if (!FORMATS.includes(format)) {
    throw new TraceDiffRequestError(`invalid format ${JSON.stringify(format)}: must be one of ${FORMATS.map((f) => JSON.stringify(f)).join(', ')}`);
  }
  return { base: side(root, 'base'), compare: side(root, 'compare'), format };
}

function side(root: Record<string, unknown>, name: string): TraceDiffSide {
  const o = object(field(root, name) ?? null, 'api.TraceDiffTraceRequest', name);
  const traceIdValue = field(o, 'traceId');
  if (traceIdValue !== undefined && traceIdValue !== null && typeof traceIdValue !== 'string') throw typeError(traceIdValue, `${name}.traceId`, 'string');
  const text = typeof traceIdValue === 'string' ? traceIdValue : '';
  if (text === '') throw new TraceDiffRequestError(`${name}.traceId is required`);
  let traceId: TraceId;
  try {
    traceId = parseTempoTraceId(text);
  } catch (e) {
    if (e instanceof ClewError) throw new TraceDiffRequestError(`invalid ${name}.traceId: ${e.message}`);
    throw e;
  }
  const start = int64(field(o, 'start'), `${name}.start`);
  const end = int64(field(o, 'end'), `${name}.end`);
  if (start !== undefined && end !== undefined && end <= start) {
    throw new TraceDiffRequestError(`${name}.start must be before ${name}.end. received start=${start} end=${end}`);
  }
  return { traceId, ...(start !== undefined && { start }), ...(end !== undefined && { end }) };
}

/** A JSON object (null reads as an empty one, as it leaves a Go struct untouched). */
function object(v: unknown, goType: string, path: string): Record<string, unknown> {
  if (v === null) return {};
  if (typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  if (path === '') throw new TraceDiffRequestError(`invalid trace diff request body: json: cannot unmarshal ${jsonKind(v)} into Go value of type ${goType}`);
  throw typeError(v, path, goType);
}

/** encoding/json's field match: the exact key, else one equal without regard to case (the last such key wins). */
function field(o: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(o, name)) return o[name];
  let found: unknown;
  for (const k of Object.keys(o)) if (k.toLowerCase() === name.toLowerCase()) found = o[k];
  return found;
}

function int64(v: unknown, path: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw typeError(v, path, 'int64');
  return v;
}

function typeError(v: unknown, path: string, goType: string): TraceDiffRequestError {
  const value = typeof v === 'number' ? `number ${String(v)}` : jsonKind(v);
  return new TraceDiffRequestError(`invalid trace diff request body: json: cannot unmarshal ${value} into Go struct field TraceDiffRequest.${path} of type ${goType}`);
}

const jsonKind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : 'string');
