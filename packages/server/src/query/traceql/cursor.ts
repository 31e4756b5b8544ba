import { TraceQLParseFailure } from './syntax-error.js';
import type { Token } from './tokens.js';
import { describeToken } from './tokens.js';

/** A position in the token list, with the look-ahead and expectations the parser needs. */
export class TokenCursor {
  private i = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }

  next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  /** Where the cursor is, for reset(): lets a parser try one reading of the tokens and fall back to another. */
  mark(): number {
    return this.i;
  }

  reset(mark: number): void {
    this.i = mark;
  }

  /** The token just consumed. */
  previous(): Token {
    return this.tokens[Math.max(0, this.i - 1)]!;
  }

  /** True when the next token is the punctuation, operator or word `text`. */
  is(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return (t.type === 'punct' || t.type === 'op' || t.type === 'ident') && t.text === text;
  }

  /** Consumes `text` when it comes next. */
  accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.next();
    return true;
  }

  /** Consumes `text` or fails with "expected `what` but found ...". */
  expect(text: string, what = JSON.stringify(text)): Token {
    if (!this.is(text)) this.fail(`expected ${what}`);
    return this.next();
  }

  /** Fails at the next token: `expected ... but found <it>`. */
  fail(expected: string, at: Token = this.peek()): never {
    throw new TraceQLParseFailure(at.offset, `${expected} but found ${describeToken(at)}`);
  }
}
