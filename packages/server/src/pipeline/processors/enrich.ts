import type { KeyValue } from '@clew/model';
import { str } from '@clew/model';
import type { Processor } from './processor.js';
import { mapSpans } from './processor.js';

export interface EnrichOptions {
  readonly name?: string;
  /** Added to every span that does not have the key yet (or to every span, replacing it, with `override`). */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly override?: boolean;
  /** Resource attributes copied onto each span that does not have the key yet (e.g. for tools that read spans only). */
  readonly copyResourceAttributes?: readonly string[];
}

/**
 * Adds what every span should carry: static attributes (the environment, the region) and copies of resource
 * attributes.
 * @example enrichProcessor({ attributes: { 'deployment.environment': 'prod' }, copyResourceAttributes: ['service.version'] })
 */
export function enrichProcessor(opts: EnrichOptions): Processor {
  const statics: KeyValue[] = Object.entries(opts.attributes ?? {}).map(([key, value]) => ({ key, value: str(value) }));
  const copies = opts.copyResourceAttributes ?? [];
  const has = (attrs: readonly KeyValue[], key: string): boolean => {
    for (const kv of attrs) if (kv.key === key) return true;
    return false;
  };
  return {
    name: opts.name ?? 'enrich',
    process(spans) {
      // Per batch: what each resource offers to copy, looked up once per resource object.
      const offered = new Map<object, KeyValue[]>();
      return mapSpans(spans, (s) => {
        let fromResource = offered.get(s.resource);
        if (fromResource === undefined) {
          fromResource = copies.flatMap((key) => s.resource.attributes.find((r) => r.key === key) ?? []);
          offered.set(s.resource, fromResource);
        }
        let base = s.attributes;
        let added: KeyValue[] | undefined;
        for (const kv of statics) {
          if (!has(s.attributes, kv.key)) (added ??= []).push(kv);
          else if (opts.override) {
            base = base.filter((b) => b.key !== kv.key);
            (added ??= []).push(kv);
          }
        }
        for (const kv of fromResource) if (!has(s.attributes, kv.key)) (added ??= []).push(kv);
        return added === undefined ? s : { ...s, attributes: [...base, ...added] };
      });
    },
  };
}
