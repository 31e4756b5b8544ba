/** Tokens of the TraceQL lexer. Offsets are 0-based UTF-16 positions in the query text. */
export type Token =
  | { readonly type: 'punct'; readonly text: string; readonly offset: number }
  | { readonly type: 'op'; readonly text: string; readonly offset: number }
  | { readonly type: 'ident'; readonly text: string; readonly offset: number }
  | { readonly type: 'string'; readonly text: string; readonly value: string; readonly offset: number }
  | { readonly type: 'int'; readonly text: string; readonly value: bigint; readonly offset: number }
  | { readonly type: 'float'; readonly text: string; readonly value: number; readonly offset: number }
  | { readonly type: 'duration'; readonly text: string; readonly value: bigint; readonly offset: number }
  | {
      readonly type: 'attribute';
      readonly text: string;
      /** The word before the dot (`span`, `resource`, ...), or '' for an unscoped `.x`. */
      readonly scope: string;
      readonly name: string;
      readonly offset: number;
    }
  | { readonly type: 'end'; readonly text: ''; readonly offset: number };

/** How a token is named in an error message. */
export function describeToken(t: Token): string {
  if (t.type === 'end') return 'end of query';
  return t.type === 'string' ? `the string ${t.text}` : JSON.stringify(t.text);
}
