import { str } from '@clew/model';
import { makeResource, makeSpan } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { enrichProcessor } from './enrich.js';

const kv = (key: string, value: string) => ({ key, value: str(value) });

describe('enrichProcessor', () => {
  const resource = makeResource('cart', [kv('service.version', '1.4.2'), kv('k8s.pod.name', 'cart-7f9')]);

  it.each<[string, Parameters<typeof enrichProcessor>[0], ReturnType<typeof kv>[], ReturnType<typeof kv>[]]>([
    ['adds static attributes', { attributes: { env: 'prod' } }, [kv('a', '1')], [kv('a', '1'), kv('env', 'prod')]],
    ['keeps a value the span has', { attributes: { env: 'prod' } }, [kv('env', 'dev')], [kv('env', 'dev')]],
    ['replaces it with override', { attributes: { env: 'prod' }, override: true }, [kv('env', 'dev'), kv('a', '1')], [kv('a', '1'), kv('env', 'prod')]],
    ['copies resource attributes', { copyResourceAttributes: ['service.version', 'absent'] }, [], [kv('service.version', '1.4.2')]],
    ['does not copy over the span’s own', { copyResourceAttributes: ['k8s.pod.name'] }, [kv('k8s.pod.name', 'x')], [kv('k8s.pod.name', 'x')]],
  ])('%s', (_, opts, before, after) => {
    const [out] = enrichProcessor(opts).process([makeSpan({ resource, attributes: before })]).spans;
    expect(out!.attributes).toEqual(after);
  });

  it('gives back the same batch when there is nothing to add', () => {
    const spans = [makeSpan({ resource, attributes: [kv('env', 'dev')] })];
    expect(enrichProcessor({ attributes: { env: 'prod' } }).process(spans).spans).toBe(spans);
  });
});
