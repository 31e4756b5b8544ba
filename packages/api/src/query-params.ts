import { z } from 'zod';
import { parseDuration } from './duration.js';

/*
 * Building blocks for query-string parameters. Each takes the text as it arrives in the URL and gives the parsed
 * value, with a message that says what was expected and what came. An absent parameter and an empty one mean the
 * same, "no filter", because HTML forms send empty fields. Built as string → transform (not z.preprocess) so that
 * z.input gives the UI `string | undefined` for every parameter rather than `unknown`.
 */

/** Text from the URL; undefined when absent or empty. */
const text = z.string().optional().transform((s) => (s === '' ? undefined : s));

/** Text parsed by `parse`, which returns undefined or a problem message when it cannot. */
function parsed<T>(parse: (s: string) => { ok: T } | { problem: string }) {
  return text.transform((s, ctx): T | undefined => {
    if (s === undefined) return undefined;
    const r = parse(s);
    if ('ok' in r) return r.ok;
    ctx.addIssue({ code: 'custom', message: r.problem });
    return z.NEVER;
  });
}

/** Free text; empty means absent. */
export const optionalText = text;

/** Required free text. */
export const requiredText = text.transform((s, ctx) => {
  if (s === undefined) ctx.addIssue({ code: 'custom', message: 'is required' });
  return s ?? '';
});

/** OTLP span kinds by wire number, in the lowercase names query APIs use. */
export const SPAN_KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
export const SpanKindNameSchema = z.enum(SPAN_KIND_NAMES);
export type SpanKindName = z.infer<typeof SpanKindNameSchema>;

export const optionalSpanKind = parsed<SpanKindName>((s) =>
  (SPAN_KIND_NAMES as readonly string[]).includes(s)
    ? { ok: s as SpanKindName }
    : { problem: `expected one of ${SPAN_KIND_NAMES.join(', ')}, got '${s}'` },
);

/** Milliseconds since the epoch (what Date.now() gives), as nanoseconds. */
export const optionalEpochMillis = parsed<bigint>((s) =>
  /^\d{1,15}$/.test(s) ? { ok: BigInt(s) * 1_000_000n } : { problem: `expected milliseconds since the epoch, got '${s}'` },
);

/** A human duration ("150ms", "1.5s", "2m30s") as nanoseconds. */
export const optionalDuration = parsed<bigint>((s) => {
  const ns = parseDuration(s);
  return ns === null ? { problem: `expected a duration such as 150ms, 1.5s or 2m30s, got '${s}'` } : { ok: ns };
});

/** A whole number in [min, max], `fallback` when absent. */
export function integerParam(min: number, max: number, fallback: number) {
  return parsed<number>((s) => {
    const n = /^\d{1,9}$/.test(s) ? Number(s) : NaN;
    return n >= min && n <= max ? { ok: n } : { problem: `expected an integer from ${min} to ${max}, got '${s}'` };
  }).transform((n) => n ?? fallback);
}
