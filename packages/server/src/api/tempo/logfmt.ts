/** A logfmt syntax error, with go-logfmt's message and 1-based position in the line. */
export class LogfmtSyntaxError extends Error {
  override readonly name = 'LogfmtSyntaxError';
  constructor(
    readonly msg: string,
    readonly pos: number,
  ) {
    super(`${msg} at pos ${pos}`);
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Key/value pairs of a logfmt text (`key=value key2="v w" flag`), as go-logfmt's decoder reads them: keys run to
 * `=` or space, values are bare words or double-quoted strings with JSON-style escapes, a key alone has an empty
 * value. Tempo's `tags=` search parameter is decoded with it. Throws LogfmtSyntaxError.
 * @example parseLogfmt('service.name=cart http.url="/a b"') // [['service.name','cart'],['http.url','/a b']]
 */
export function parseLogfmt(text: string): Array<[key: string, value: string]> {
  const out: Array<[string, string]> = [];
  let i = 0;
  let lineStart = 0;
  const at = (msg: string, index: number) => new LogfmtSyntaxError(msg, index - lineStart + 1);
  while (i < text.length) {
    const c = text[i]!;
    if (c <= ' ') {
      if (c === '\n') lineStart = i + 1;
      i++;
      continue;
    }
    if (c === '=' || c === '"') throw at(`unexpected '${c}'`, i);
    const keyStart = i;
    while (i < text.length && text[i]! > ' ' && text[i] !== '=' && text[i] !== '"') i++;
    const key = text.slice(keyStart, i);
    if (text[i] === '"') throw at(`unexpected '"'`, i);
    if (text[i] !== '=') {
      out.push([key, '']);
      continue;
    }
    i++;
    if (text[i] === '"') {
      const [value, end] = readQuoted(text, i, at);
      out.push([key, value]);
      i = end;
      if (i < text.length && text[i]! > ' ') throw at(`unexpected '${text[i]}'`, i);
      continue;
    }
    const valueStart = i;
    while (i < text.length && text[i]! > ' ') {
      if (text[i] === '=' || text[i] === '"') throw at(`unexpected '${text[i]}'`, i);
      i++;
    }
    out.push([key, text.slice(valueStart, i)]);
  }
  return out;
}

/** A quoted value starting at `open` (the quote): its text and the index after the closing quote. */
function readQuoted(text: string, open: number, at: (msg: string, index: number) => LogfmtSyntaxError): [string, number] {
  let value = '';
  let i = open + 1;
  for (;;) {
    if (i >= text.length || text[i] === '\n') throw at('unterminated quoted value', i);
    const c = text[i]!;
    if (c === '"') return [value, i + 1];
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const e = text[i + 1];
    if (e !== undefined && ESCAPES[e] !== undefined) {
      value += ESCAPES[e];
      i += 2;
    } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
      value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
      i += 6;
    } else {
      throw at('invalid quoted value', i);
    }
  }
}
