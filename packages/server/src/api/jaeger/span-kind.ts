import type { SpanKind } from '@clew/model';
import { SPAN_KIND_NAMES } from '@clew/model';
import { ClewError } from '../../errors.js';

const BY_NAME = new Map<string, SpanKind>(
  Object.entries(SPAN_KIND_NAMES).map(([num, name]) => [name, Number(num) as SpanKind]),
);

/**
 * A `spanKind`/`span_kind` filter: empty for all kinds, else one of Jaeger's lowercase names. Jaeger passes an
 * unknown name to storage and answers an empty list; Clew says what was wrong instead.
 */
export function parseSpanKindParam(text: string): SpanKind | undefined {
  if (text === '') return undefined;
  const kind = BY_NAME.get(text);
  if (kind === undefined) {
    throw new ClewError('BAD_PARAMETER', `unsupported span kind: '${text}' (expected one of ${[...BY_NAME.keys()].join(', ')})`);
  }
  return kind;
}

/**
 * How Jaeger's v1 API names an operation's kind: the span.kind tag value, empty when the span has none
 * (OTLP's UNSPECIFIED). api_v3 reports that empty kind as "internal".
 */
export function jaegerSpanKindName(kind: SpanKind): string {
  return kind === 0 ? '' : SPAN_KIND_NAMES[kind];
}
