import type { TraceQLSyntaxError } from './types.js';

/** Thrown inside the lexer and parser only; parseTraceQL turns it into a TraceQLSyntaxError value. */
export class TraceQLParseFailure extends Error {
  constructor(
    readonly offset: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** A syntax error placed at `offset` of `text`, with its line and column. */
export function syntaxError(text: string, offset: number, detail: string): TraceQLSyntaxError {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = offset - lineStart + 1;
  return { message: `parse error at line ${line}, col ${column}: ${detail}`, offset, line, column };
}
