import { describeParameterError } from '@clew/api';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ClewError } from '../../errors.js';

/** Parameters that may repeat; every other parameter takes its first value. */
const REPEATABLE = new Set(['attr']);

/**
 * The request's query string, checked against `schema`. Read from the raw URL rather than fastify's parsed query so
 * that repeated parameters keep their order and a repeated single parameter does not turn into an array.
 * Throws a BAD_PARAMETER ClewError naming the parameter.
 */
export function parseQuery<S extends z.ZodType>(request: FastifyRequest, schema: S): z.output<S> {
  const i = request.url.indexOf('?');
  const params = new URLSearchParams(i < 0 ? '' : request.url.slice(i + 1));
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) raw[key] = REPEATABLE.has(key) ? params.getAll(key) : params.get(key)!;
  return parseWith(schema, raw);
}

/** `input` checked against `schema`, or a BAD_PARAMETER ClewError. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const problem = describeParameterError(r.error, input);
  throw new ClewError('BAD_PARAMETER', problem.message, problem.parameter ? { parameter: problem.parameter } : {});
}
