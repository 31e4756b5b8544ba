/**
 * A query string from a request's input type (e.g. {@link SearchQueryInput}): lists repeat their key, absent and
 * empty values are left out. Returns '' or '?…'.
 * @example queryString({ service: 'cart', attr: ['http.route=/cart', 'error=true'] }) === '?service=cart&attr=http.route%3D%2Fcart&attr=error%3Dtrue'
 */
export function queryString(input: Readonly<Record<string, string | readonly string[] | number | undefined>>): string {
  const p = new URLSearchParams();
  for (const [key, value] of Object.entries(input)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined && v !== '') p.append(key, String(v));
  }
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}
