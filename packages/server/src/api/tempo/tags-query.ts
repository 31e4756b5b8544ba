import { ClewError } from '../../errors.js';

/** Tempo's well-known tags of the legacy search, and the TraceQL field each one is. */
const WELL_KNOWN: Readonly<Record<string, string>> = {
  'service.name': 'resource.service.name',
  name: 'name',
  'root.service.name': 'rootServiceName',
  'root.name': 'rootName',
};

const STATUS_VALUES: Readonly<Record<string, string>> = { error: 'error', ok: 'ok', unset: 'unset', '2': 'error', '1': 'ok', '0': 'unset' };

/**
 * The TraceQL query a legacy tag search (`tags=` logfmt pairs) means: one spanset whose span meets every pair,
 * each value matched as a case-insensitive substring (as Tempo documents it), numbers and booleans also by equality.
 * `status.code=error` and `error=true` select by status. No pairs is `{}`, every trace.
 * @example tagsToTraceQL([['service.name', 'cart']]) === '{ resource.service.name =~ "(?i).*cart.*" }'
 */
export function tagsToTraceQL(tags: ReadonlyArray<readonly [string, string]>): string {
  if (tags.length === 0) return '{}';
  return `{ ${tags.map(([k, v]) => condition(k, v)).join(' && ')} }`;
}

function condition(key: string, value: string): string {
  if (key === 'status.code' || (key === 'error' && value === 'true')) {
    const status = key === 'error' ? 'error' : STATUS_VALUES[value.toLowerCase()];
    if (status === undefined) throw new ClewError('BAD_PARAMETER', `invalid tags: status.code must be one of error, ok, unset; got ${value}`);
    return `status = ${status}`;
  }
  const field = WELL_KNOWN[key] ?? `.${quoteName(key)}`;
  const like = `${field} =~ ${quoteString(`(?i).*${escapeRegex(value)}.*`)}`;
  if (field !== `.${quoteName(key)}`) return like;
  const alternatives = [like];
  if (/^-?[0-9]+$/.test(value)) alternatives.push(`${field} = ${value}`);
  else if (/^-?[0-9]*\.[0-9]+$/.test(value)) alternatives.push(`${field} = ${value}`);
  else if (value === 'true' || value === 'false') alternatives.push(`${field} = ${value}`);
  return alternatives.length === 1 ? like : `(${alternatives.join(' || ')})`;
}

/** An attribute name, quoted when it holds anything beyond TraceQL's unquoted name characters. */
function quoteName(name: string): string {
  return /^[A-Za-z0-9_.]+$/.test(name) ? name : `"${name.replace(/[\\"]/g, '\\$&')}"`;
}

const quoteString = (s: string): string => `"${s.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n')}"`;

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
