/**
 * The source text of JSON numbers, which JSON.parse throws away: 9007199254740993 and 1.0 cannot be told from
 * 9007199254740992 and 1 once parsed, and Node 20's JSON.parse gives a reviver no source text. A walk over the text
 * finds each number with its place; the decoders parse with JSON.parse first and walk only when a number turns up
 * where its text matters.
 */

/** Where a value sits: object keys and array indexes from the top. */
export type JsonPath = ReadonlyArray<string | number>;

/** Thrown by a reader when it meets a number whose source text it needs. */
export const NEEDS_NUMBER_TEXT: unique symbol = Symbol('needs the source text of a JSON number');

/**
 * Puts the source text in place of the numbers of `doc` (JSON.parse of `text`) at the paths `keep` accepts: a
 * string `"1.0"` where JSON.parse gave 1. Where a path occurs more than once (a repeated key), the value JSON.parse
 * kept is the last occurrence, and so is the text put in its place.
 * @example keepNumberTexts(doc, '[{"tags":{"n":1.0}}]', (p) => p[1] === 'tags') // doc[0].tags.n === '1.0'
 */
export function keepNumberTexts(doc: unknown, text: string, keep: (path: JsonPath) => boolean): void {
  const found: Array<[JsonPath, string]> = [];
  forEachNumber(text, (path, start, end) => {
    if (keep(path)) found.push([[...path], text.slice(start, end)]);
  });
  // Last occurrence first: once a value is text, the earlier occurrences of its path leave it alone.
  for (let i = found.length - 1; i >= 0; i--) {
    const [path, literal] = found[i]!;
    let node = doc as Record<string | number, unknown> | undefined;
    for (let j = 0; j < path.length - 1 && node !== undefined; j++) {
      const next = node[path[j]!];
      node = typeof next === 'object' && next !== null ? (next as Record<string | number, unknown>) : undefined;
    }
    const key = path[path.length - 1]!;
    if (node !== undefined && typeof node[key] === 'number') node[key] = literal;
  }
}

/**
 * The source text of each number that is a member of the top-level object, by key (a repeated key: its last).
 * @example memberNumberTexts('{"a":1.0,"b":"x","c":9007199254740993}') // Map { a → '1.0', c → '9007199254740993' }
 */
export function memberNumberTexts(text: string): Map<string, string> {
  const texts = new Map<string, string>();
  forEachNumber(text, (path, start, end) => {
    if (path.length === 1 && typeof path[0] === 'string') texts.set(path[0], text.slice(start, end));
  });
  return texts;
}

/**
 * Calls `visit` with the path and the [start, end) of every number in the text, in order. The text must already
 * have passed JSON.parse: the walk trusts it, and throws (a bug in the caller, not bad input) where it is not JSON.
 */
export function forEachNumber(text: string, visit: (path: JsonPath, start: number, end: number) => void): void {
  new NumberWalk(text, visit).walk();
}

/** A walk by loop, not recursion: JSON.parse takes any depth, and so must this (no stack to overflow). */
class NumberWalk {
  private pos = 0;
  /** The key or index of each open container, outermost first. */
  private readonly path: Array<string | number> = [];
  /** Whether each open container is an object (else an array). */
  private readonly isObject: boolean[] = [];
  /** Where the next backslash is at or after the current string (-1: none left; -2: not looked up yet). */
  private nextBackslash = -2;
  /** Whether the last string token had a backslash in it. */
  private escaped = false;

  constructor(
    private readonly text: string,
    private readonly visit: (path: JsonPath, start: number, end: number) => void,
  ) {}

  walk(): void {
    for (;;) {
      // At a value: open a container (and go to its first value), or pass a scalar.
      const c = this.skipSpace();
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.pos++;
        const close = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
        if (this.skipSpace() !== close) {
          this.isObject.push(c === OPEN_BRACE);
          this.path.push(c === OPEN_BRACE ? this.key() : 0);
          continue;
        }
        this.pos++;
      } else if (c === QUOTE) this.stringEnd();
      else if (c === 0x74 /* t */) this.word('true');
      else if (c === 0x66 /* f */) this.word('false');
      else if (c === 0x6e /* n */) this.word('null');
      else this.number();
      // After a value: a comma goes to the next one; a closing bracket ends its container, which is a value too.
      for (;;) {
        const depth = this.isObject.length;
        if (depth === 0) return;
        const after = this.skipSpace();
        this.pos++;
        const isObject = this.isObject[depth - 1]!;
        if (after === COMMA) {
          this.path[depth - 1] = isObject ? this.key() : (this.path[depth - 1] as number) + 1;
          break;
        }
        if (after !== (isObject ? CLOSE_BRACE : CLOSE_BRACKET)) this.unexpected(after);
        this.isObject.pop();
        this.path.pop();
      }
    }
  }

  /** A member's key and its colon; returns the key, decoded. */
  private key(): string {
    this.skipSpace();
    const start = this.pos;
    const end = this.stringEnd();
    const key = this.escaped ? (JSON.parse(this.text.slice(start, end)) as string) : this.text.slice(start + 1, end - 1);
    this.expect(COLON);
    return key;
  }

  /** Moves past a string token; returns where it ends and sets {@link escaped}. */
  private stringEnd(): number {
    const { text } = this;
    if (text.charCodeAt(this.pos) !== QUOTE) this.unexpected(text.charCodeAt(this.pos));
    const start = this.pos + 1;
    let end = text.indexOf('"', start);
    if (end < 0) this.unexpected(NaN);
    // The next backslash is looked up again only once passed, so finding them all costs one scan of the text.
    if (this.nextBackslash !== -1 && this.nextBackslash < start) this.nextBackslash = text.indexOf('\\', start);
    this.escaped = this.nextBackslash !== -1 && this.nextBackslash < end;
    // An escaped quote does not end the string: a quote ends it when an even number of backslashes precede it.
    while (this.escaped) {
      let backslashes = 0;
      while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) break;
      end = text.indexOf('"', end + 1);
      if (end < 0) this.unexpected(NaN);
    }
    this.pos = end + 1;
    return this.pos;
  }

  private number(): void {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (m === null) this.unexpected(this.text.charCodeAt(this.pos));
    const start = this.pos;
    this.pos += m![0].length;
    this.visit(this.path, start, this.pos);
  }

  private word(word: string): void {
    if (!this.text.startsWith(word, this.pos)) this.unexpected(this.text.charCodeAt(this.pos));
    this.pos += word.length;
  }

  private expect(c: number): void {
    const got = this.skipSpace();
    if (got !== c) this.unexpected(got);
    this.pos++;
  }

  /** Skips JSON whitespace; returns the next character code (NaN at the end). */
  private skipSpace(): number {
    const { text } = this;
    let c = text.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++this.pos);
    return c;
  }

  private unexpected(c: number): never {
    throw new Error(`not JSON (it should have passed JSON.parse): unexpected ${Number.isNaN(c) ? 'end' : JSON.stringify(String.fromCharCode(c))} at ${this.pos}`);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
