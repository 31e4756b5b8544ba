import { describe, expect, it } from 'vitest';
import { tagsToTraceQL } from './tags-query.js';

describe('tagsToTraceQL (legacy tag search as TraceQL)', () => {
  it.each<[Array<[string, string]>, string]>([
    [[], '{}'],
    [[['service.name', 'cart']], '{ resource.service.name =~ "(?i).*cart.*" }'],
    [[['name', 'GET /a.b']], '{ name =~ "(?i).*GET /a\\\\.b.*" }'],
    [[['root.service.name', 'fe'], ['root.name', 'x']], '{ rootServiceName =~ "(?i).*fe.*" && rootName =~ "(?i).*x.*" }'],
    [[['http.status_code', '500']], '{ (.http.status_code =~ "(?i).*500.*" || .http.status_code = 500) }'],
    [[['ratio', '0.5']], '{ (.ratio =~ "(?i).*0\\\\.5.*" || .ratio = 0.5) }'],
    [[['cached', 'true']], '{ (.cached =~ "(?i).*true.*" || .cached = true) }'],
    [[['my key', 'say "hi"']], '{ ."my key" =~ "(?i).*say \\"hi\\".*" }'],
    [[['status.code', 'error']], '{ status = error }'],
    [[['status.code', '1']], '{ status = ok }'],
    [[['error', 'true'], ['http.method', 'GET']], '{ status = error && .http.method =~ "(?i).*GET.*" }'],
  ])('%j → %s', (tags, query) => {
    expect(tagsToTraceQL(tags)).toBe(query);
  });

  it('refuses an unknown status', () => {
    expect(() => tagsToTraceQL([['status.code', 'bad']])).toThrow('invalid tags: status.code must be one of error, ok, unset; got bad');
  });
});
