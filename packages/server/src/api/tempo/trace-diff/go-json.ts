import { goHtmlSafe } from '@clew/model';

/** A Go map (`map[string]any`): json.Marshal writes its keys sorted, where a struct keeps its field order. */
export class GoMap {
  constructor(readonly entries: ReadonlyMap<string, GoValue>) {}
}

/** JSON text already written (Go's json.RawMessage), put in as it is. */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * A value as Go's json.Marshal sees it: int64 as bigint (written exactly), float64 as number, []byte as Uint8Array
 * (base64), a struct as a plain object whose key order is its field order (leave out an omitempty field by not
 * setting it), a map as a {@link GoMap}.
 */
export type GoValue = null | string | boolean | number | bigint | Uint8Array | GoMap | RawJson | readonly GoValue[] | { readonly [key: string]: GoValue | undefined };

/** JSON text as Go's json.Marshal writes `value`: HTML-safe strings, sorted map keys, exact int64. */
export function goJson(value: GoValue): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

const str = (s: string): string => goHtmlSafe(JSON.stringify(s));

/** Go's string order: by UTF-8 bytes, which is code point order (not JavaScript's UTF-16 order). */
export function goStringCompare(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function write(v: GoValue, out: string[]): void {
  if (v === null) out.push('null');
  else if (typeof v === 'string') out.push(str(v));
  else if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
  else if (typeof v === 'bigint') out.push(v.toString());
  else if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`json: unsupported value: ${v}`);
    out.push(Object.is(v, -0) ? '-0' : JSON.stringify(v));
  } else if (v instanceof Uint8Array) out.push(JSON.stringify(Buffer.from(v).toString('base64')));
  else if (v instanceof RawJson) out.push(v.text);
  else if (v instanceof GoMap) {
    out.push('{');
    [...v.entries.keys()].sort(goStringCompare).forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(str(k), ':');
      write(v.entries.get(k)!, out);
    });
    out.push('}');
  } else if (Array.isArray(v)) {
    out.push('[');
    (v as readonly GoValue[]).forEach((item, i) => {
      if (i > 0) out.push(',');
      write(item, out);
    });
    out.push(']');
  } else {
    out.push('{');
    let first = true;
    for (const [k, item] of Object.entries(v as Record<string, GoValue | undefined>)) {
      if (item === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(str(k), ':');
      write(item, out);
    }
    out.push('}');
  }
}
