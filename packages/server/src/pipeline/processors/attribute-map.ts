import type { AnyValue, Attributes, KeyValue } from '@clew/model';

/**
 * Rewrites attributes one by one: `fn` returns the pair itself to keep it, a new pair to replace it, or null to drop
 * it. The input array comes back when nothing changed.
 */
export function mapAttributes(attrs: Attributes, fn: (kv: KeyValue) => KeyValue | null): Attributes {
  let out: KeyValue[] | undefined;
  for (let i = 0; i < attrs.length; i++) {
    const kv = attrs[i]!;
    const t = fn(kv);
    if (t !== kv) out ??= attrs.slice(0, i);
    if (t !== null) out?.push(t);
  }
  return out ?? attrs;
}

/** Rewrites every string inside a value, arrays and key-value lists included; the same value when none changed. */
export function mapStrings(v: AnyValue, fn: (s: string) => string): AnyValue {
  switch (v.type) {
    case 'string': {
      const s = fn(v.value);
      return s === v.value ? v : { type: 'string', value: s };
    }
    case 'array': {
      let changed = false;
      const items = v.value.map((item) => {
        const t = mapStrings(item, fn);
        if (t !== item) changed = true;
        return t;
      });
      return changed ? { type: 'array', value: items } : v;
    }
    case 'kvlist': {
      const list = mapAttributes(v.value, (kv) => {
        const t = mapStrings(kv.value, fn);
        return t === kv.value ? kv : { key: kv.key, value: t };
      });
      return list === v.value ? v : { type: 'kvlist', value: list };
    }
    default:
      return v;
  }
}
