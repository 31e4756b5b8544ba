const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/**
 * Compiles a TraceQL regular expression (Go RE2 syntax) to a JavaScript RegExp that must match the whole value, as
 * TraceQL's regexes are fully anchored. Handles what differs in practice: leading flags `(?i)`, `(?s)`, `(?m)`,
 * `(?P<name>...)`, `\A`, `\z`, `\Q...\E` and POSIX classes `[[:alpha:]]`. Throws a SyntaxError when it is invalid.
 * @example goRegex('(?i)get.*').test('GET /cart') === true
 */
export function goRegex(source: string): RegExp {
  let src = source;
  let flags = '';
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    if (lead[1]!.includes('U')) throw new SyntaxError('the U (ungreedy) flag is not supported');
    flags = [...new Set(lead[1]!)].join('');
    src = src.slice(lead[0].length);
  }
  return new RegExp(`^(?:${translate(src)})$`, flags);
}

function translate(src: string): string {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const e = src[i + 1];
      if (e === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const literal = end < 0 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
      } else if (e === 'A') {
        out += '^';
        i++;
      } else if (e === 'z') {
        out += '$';
        i++;
      } else {
        out += c + (e ?? '');
        i++;
      }
    } else if (c === '(' && src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else if (c === '[' && src.startsWith('[:', i)) {
      const end = src.indexOf(':]', i + 2);
      const name = end < 0 ? undefined : src.slice(i + 2, end);
      const negated = name?.startsWith('^');
      const cls = name === undefined ? undefined : POSIX_CLASSES[negated ? name.slice(1) : name];
      if (cls === undefined) {
        out += c;
      } else {
        // Inside a bracket expression a negated POSIX class cannot be spliced in; only the plain form is.
        if (negated) throw new SyntaxError(`negated POSIX class [:${name}:] is not supported`);
        out += cls;
        i = end + 1;
      }
    } else {
      out += c;
    }
  }
  return out;
}
