import { describe, expect, it } from 'vitest';
import { FOLD_CHARS, FOLD_LINES, foldedStart, KEY_BREAKS, wrapSegments } from './long-text.js';

describe('wrapSegments', () => {
  it.each([
    ['https://shop.example/search?q=red+kettle&page=2', ['https://', 'shop.example/', 'search?', 'q=', 'red+kettle&', 'page=', '2']],
    ['SELECT id, name FROM products WHERE id IN (1,2,3)', ['SELECT id,', ' name FROM products WHERE id IN (', '1,', '2,', '3)']],
    ['jaro_winkler_similarity(lower(r.body), $2)', ['jaro_winkler_similarity(', 'lower(', 'r.body),', ' $2)']],
    ['jaro_winkler_similarity', ['jaro_winkler_similarity']],
    ['a/', ['a/']],
    ['', ['']],
  ])('%s', (text, segments) => {
    expect(wrapSegments(text)).toEqual(segments);
    expect(wrapSegments(text).join('')).toBe(text);
  });

  it('breaks attribute keys after the dots of their namespaces', () => {
    expect(wrapSegments('http.request.method_original', KEY_BREAKS)).toEqual(['http.', 'request.', 'method_original']);
  });
});

describe('foldedStart', () => {
  it('leaves short values whole', () => {
    expect(foldedStart('GET /carts/:user')).toBeUndefined();
    expect(foldedStart('x'.repeat(FOLD_CHARS))).toBeUndefined();
  });

  it('folds a long value at a space or wrap point, not inside a word', () => {
    const sql = `SELECT r.id, r.body FROM reviews r JOIN products p ON p.id = r.product_id WHERE ${Array.from({ length: 40 }, (_, i) => `jaro_winkler_similarity(p.name, 'kettle${i}') > 0.8`).join(' OR ')}`;
    const start = foldedStart(sql)!;
    expect(start.length).toBeLessThanOrEqual(FOLD_CHARS * 0.6);
    expect(sql.startsWith(start)).toBe(true);
    expect(sql.slice(start.length, start.length + 1)).toMatch(/[\s(']/); // the next character starts a new word
  });

  it('folds a value of many lines after the first few', () => {
    const trace = Array.from({ length: 30 }, (_, i) => `    at frame${i} (file.js:${i})`).join('\n');
    expect(foldedStart(trace)!.split('\n')).toHaveLength(FOLD_LINES - 2);
  });
});
