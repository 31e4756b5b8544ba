/** Characters after which a long value may wrap: path, query and list separators of URLs, SQL and JSON. */
export const VALUE_BREAKS = /[/?&,=;(]+/g;
/** Where an attribute key may wrap: after the dots between its namespaces. */
export const KEY_BREAKS = /\.+/g;

/**
 * Splits `text` after each run of the characters `breakAfter` matches (by default `/ ? & , = ; (`, where a reader
 * expects a long URL or query to wrap), to be shown with a <wbr> between the pieces, so that the browser breaks
 * there before it breaks inside a word. `breakAfter` must be a global regular expression.
 * @example wrapSegments('https://shop.example/search?q=kettle&page=2') // ['https://', 'shop.example/', 'search?', 'q=', 'kettle&', 'page=', '2']
 */
export function wrapSegments(text: string, breakAfter: RegExp = VALUE_BREAKS): string[] {
  const out: string[] = [];
  let from = 0;
  for (const m of text.matchAll(breakAfter)) {
    const to = m.index + m[0].length;
    if (to < text.length) {
      out.push(text.slice(from, to));
      from = to;
    }
  }
  out.push(text.slice(from));
  return out;
}

/** Past this many characters or lines a value is folded. */
export const FOLD_CHARS = 400;
export const FOLD_LINES = 8;

/**
 * The start of a long value to show folded, or undefined when it is short enough to show whole. The cut falls on a
 * line end, or on a space or wrap point near FOLD_CHARS * 0.6, so the fold does not split a word.
 */
export function foldedStart(text: string): string | undefined {
  const lines = text.split('\n');
  if (text.length <= FOLD_CHARS && lines.length <= FOLD_LINES) return undefined;
  const head = lines.length > FOLD_LINES ? lines.slice(0, FOLD_LINES - 2).join('\n') : text;
  const limit = Math.round(FOLD_CHARS * 0.6);
  if (head.length <= limit) return head;
  const cut = Math.max(head.lastIndexOf(' ', limit), ...[...'/?&,=;'].map((c) => head.lastIndexOf(c, limit - 1) + 1));
  return head.slice(0, cut > limit / 2 ? cut : limit).trimEnd();
}
