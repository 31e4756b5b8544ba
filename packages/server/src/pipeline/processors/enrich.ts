import type { KeyValue, Span } from '@clew/model';
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
  return {
    name: opts.name ?? 'enrich',
    process: (spans) =>
      mapSpans(spans, (s) => {
        const has = new Set(s.attributes.map((kv) => kv.key));
        const added: KeyValue[] = [];
        let base = s.attributes;
        for (const kv of statics) {
          if (!has.has(kv.key)) added.push(kv);
          else if (opts.override) {
            base = base.filter((b) => b.key !== kv.key);
            added.push(kv);
          }
        }
        for (const key of copies) {
          if (has.has(key)) continue;
          const kv = s.resource.attributes.find((r) => r.key === key);
          if (kv !== undefined) added.push(kv);
        }
        return added.length === 0 ? s : { ...s, attributes: [...base, ...added] };
      }),
  };
}
