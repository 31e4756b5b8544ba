import { parseDuration } from './duration.js';
import { TraceQLParseFailure } from './syntax-error.js';
import type { Token } from './tokens.js';

/** Longest first, so that `!>>` wins over `!>` and `!`. */
const OPERATORS = [
  '!>>', '!<<', '&>>', '&<<',
  '>=', '<=', '>>', '<<', '!=', '=~', '!~', '!>', '!<', '&&', '||', '&>', '&<', '&~',
  '=', '>', '<', '~', '!', '|', '+', '-', '*', '/', '%', '^',
];

/** Words that scope an attribute when a dot follows them (`span.x`); those not supported are refused by the parser. */
const SCOPES = new Set(['span', 'resource', 'parent', 'event', 'link', 'instrumentation']);

/** Characters that end an unquoted attribute name, as in Tempo's lexer (besides whitespace). */
const ATTRIBUTE_END = new Set(['{', '}', '(', ')', '=', '~', '!', '<', '>', '&', '|', '^', ',']);

const DURATION_RUN = /^[0-9.nsuµμmhdwy]+/;
const NUMBER = /^(?:0[xX][0-9a-fA-F]+|\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+)/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z_][A-Za-z0-9_]*)?/;

/** Splits a TraceQL query into tokens, ending with an `end` token. Throws TraceQLParseFailure on a bad character. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (true) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const c = text[i]!;
    const rest = text.slice(i);
    if ('{}(),'.includes(c)) {
      tokens.push({ type: 'punct', text: c, offset: i });
      i++;
    } else if (c === '"' || c === '`') {
      const { value, end } = c === '"' ? readQuoted(text, i) : readRaw(text, i);
      tokens.push({ type: 'string', text: text.slice(i, end), value, offset: i });
      i = end;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const token = readNumber(text, i);
      tokens.push(token);
      i += token.text.length;
    } else if (c === '.') {
      const { name, end } = readAttributeName(text, i + 1, '.');
      tokens.push({ type: 'attribute', text: text.slice(i, end), scope: '', name, offset: i });
      i = end;
    } else if (IDENT.test(rest)) {
      const word = IDENT.exec(rest)![0];
      if (SCOPES.has(word) && text[i + word.length] === '.') {
        const { name, end } = readAttributeName(text, i + word.length + 1, `${word}.`);
        tokens.push({ type: 'attribute', text: text.slice(i, end), scope: word, name, offset: i });
        i = end;
      } else {
        tokens.push({ type: 'ident', text: word, offset: i });
        i += word.length;
      }
    } else {
      const op = OPERATORS.find((o) => rest.startsWith(o));
      if (!op) throw new TraceQLParseFailure(i, `unexpected character ${JSON.stringify(c)}`);
      tokens.push({ type: 'op', text: op, offset: i });
      i += op.length;
    }
  }
  tokens.push({ type: 'end', text: '', offset: text.length });
  return tokens;
}

/** An int, a float, or — when unit letters follow without a space — a duration. */
function readNumber(text: string, start: number): Token {
  const number = NUMBER.exec(text.slice(start))![0];
  const after = start + number.length;
  const run = DURATION_RUN.exec(text.slice(after))?.[0];
  if (run && !number.startsWith('0x') && !number.startsWith('0X')) {
    const nanos = parseDuration(number + run);
    if (nanos !== null) return { type: 'duration', text: number + run, value: nanos, offset: start };
  }
  if (/^(?:0[xX][0-9a-fA-F]+|\d+)$/.test(number)) {
    const value = BigInt(number);
    if (value > 0x7fffffffffffffffn) throw new TraceQLParseFailure(start, `integer ${number} is out of range (int64)`);
    return { type: 'int', text: number, value, offset: start };
  }
  return { type: 'float', text: number, value: Number(number), offset: start };
}

/** An attribute name: unquoted runs and `"quoted"` parts (escapes `\"` and `\\`), as Tempo reads them. */
function readAttributeName(text: string, start: number, prefix: string): { name: string; end: number } {
  let name = '';
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\') {
          const next = text[j + 1];
          if (next !== '"' && next !== '\\') throw new TraceQLParseFailure(j, 'invalid escape sequence in attribute name: only \\" and \\\\ are allowed');
          j++;
        }
        name += text[j];
      }
      if (j >= text.length) throw new TraceQLParseFailure(i, 'unterminated quoted attribute name: expected a closing "');
      i = j + 1;
    } else if (!/\s/.test(c) && !ATTRIBUTE_END.has(c)) {
      name += c;
      i++;
    } else break;
  }
  if (i === start) {
    const found = i < text.length ? JSON.stringify(text[i]) : 'end of query';
    throw new TraceQLParseFailure(i, `expected an attribute name after ${JSON.stringify(prefix)} but found ${found}`);
  }
  return { name, end: i };
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

/** A double-quoted string with Go's escapes. */
function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    const c = text[i]!;
    if (c === '\n') break;
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const e = text[i + 1] ?? '';
    if (e in SIMPLE_ESCAPES) {
      value += SIMPLE_ESCAPES[e];
      i += 2;
      continue;
    }
    const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    const digits = hex ? text.slice(i + 2, i + 2 + hex) : text.slice(i + 1, i + 4);
    if (hex && new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits) && parseInt(digits, 16) <= 0x10ffff) {
      value += String.fromCodePoint(parseInt(digits, 16));
      i += 2 + hex;
    } else if (!hex && /^[0-7]{3}$/.test(digits)) {
      value += String.fromCharCode(parseInt(digits, 8));
      i += 4;
    } else {
      throw new TraceQLParseFailure(i, `invalid escape sequence "\\${e}" in string`);
    }
  }
  if (text[i] !== '"') throw new TraceQLParseFailure(start, 'unterminated string: expected a closing "');
  return { value, end: i + 1 };
}

/** A back-quoted raw string: no escapes. */
function readRaw(text: string, start: number): { value: string; end: number } {
  const close = text.indexOf('`', start + 1);
  if (close < 0) throw new TraceQLParseFailure(start, 'unterminated string: expected a closing `');
  return { value: text.slice(start + 1, close), end: close + 1 };
}
