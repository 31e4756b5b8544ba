/**
 * What the "what is different" panel compares against the rest of the window: the errors, or a region brushed on
 * the heatmap. A band leaves out a bound it does not have: a brush across the whole width is a duration band only,
 * so the link keeps meaning "the slow ones" while a relative window moves on.
 */
export type Selection =
  | { kind: 'errors' }
  | { kind: 'band'; start?: number; end?: number; minDuration?: string; maxDuration?: string };

/** The selection in a search URL (the compare route's own parameter names), or undefined when there is none. */
export function readSelection(p: URLSearchParams): Selection | undefined {
  if (p.get('selection') === 'errors') return { kind: 'errors' };
  const num = (k: string) => (p.get(k) && Number.isFinite(Number(p.get(k))) ? Number(p.get(k)) : undefined);
  const text = (k: string) => p.get(k) || undefined;
  const band = { start: num('selStart'), end: num('selEnd'), minDuration: text('selMinDuration'), maxDuration: text('selMaxDuration') };
  if (Object.values(band).every((v) => v === undefined)) return undefined;
  return { kind: 'band', ...withoutUndefined(band) };
}

/** Adds the selection's parameters to `p` (nothing when there is no selection). */
export function writeSelection(p: URLSearchParams, s: Selection | undefined): void {
  for (const [k, v] of Object.entries(selectionParams(s))) p.set(k, v);
}

export type SelectionParams = Partial<Record<'selection' | 'selStart' | 'selEnd' | 'selMinDuration' | 'selMaxDuration', string>>;

/** The selection as the compare route's parameters. */
export function selectionParams(s: Selection | undefined): SelectionParams {
  if (s === undefined) return {};
  if (s.kind === 'errors') return { selection: 'errors' };
  return withoutUndefined({
    selStart: s.start === undefined ? undefined : String(Math.floor(s.start)),
    selEnd: s.end === undefined ? undefined : String(Math.ceil(s.end)),
    selMinDuration: s.minDuration,
    selMaxDuration: s.maxDuration,
  });
}

function withoutUndefined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
