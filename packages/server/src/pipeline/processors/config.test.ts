import { makeSpan } from '@clew/model/testing';
import { str } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/load.js';
import { buildProcessors } from './config.js';

/** The message `clew serve` stops with for a pipeline section, or 'ok'. */
function check(processors: unknown): string {
  try {
    resolveConfig({ pipeline: { processors } });
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('pipeline.processors', () => {
  it.each<[string, unknown, string]>([
    ['nothing', [], 'ok'],
    ['every type', [{ type: 'limits', maxAttributes: 64 }, { type: 'filter', rules: [{ name: 'GET /health' }] }, { type: 'redact', mask: [{ preset: 'email' }] }, { type: 'enrich', attributes: { env: 'prod' } }, { type: 'headSampling', probability: 0.5 }], 'ok'],
    ['an unknown type', [{ type: 'sample' }], 'invalid configuration at "pipeline.processors.0.type"'],
    ['an unknown key', [{ type: 'limits', maxAttrs: 3 }], 'invalid configuration at "pipeline.processors.0"'],
    ['a bad regex', [{ type: 'redact', mask: [{ pattern: '(' }] }], 'invalid configuration at "pipeline.processors.0.mask.0.pattern": not a valid regular expression'],
    ['a bad rule regex', [{ type: 'filter', rules: [{ name: '[', regex: true }] }], 'invalid configuration at "pipeline.processors.0.rules.0.name": not a valid regular expression'],
    ['an empty rule', [{ type: 'filter', rules: [{}] }], 'a rule needs at least one of service, name, kind, attributes'],
    ['an unknown preset', [{ type: 'redact', mask: [{ preset: 'ssn' }] }], 'invalid configuration at "pipeline.processors.0.mask.0'],
    ['hash keys without a secret', [{ type: 'redact', hashKeys: ['user.id'] }], 'invalid configuration at "pipeline.processors.0.hashSecret": is required with hashKeys'],
    ['a probability of 0', [{ type: 'headSampling', probability: 0 }], 'invalid configuration at "pipeline.processors.0.probability": must be above 0'],
    ['two of a type without names', [{ type: 'enrich' }, { type: 'enrich' }], `invalid configuration at "pipeline.processors.1.name": another processor is already named 'enrich'`],
    ['two of a type, named', [{ type: 'enrich' }, { type: 'enrich', name: 'enrich-env' }], 'ok'],
  ])('%s', (_, processors, want) => {
    const got = check(processors);
    if (want === 'ok') expect(got).toBe('ok');
    else expect(got).toContain(want);
  });

  it('builds the processors in order, presets masked by their name', () => {
    const config = resolveConfig({ pipeline: { processors: [{ type: 'redact', mask: [{ preset: 'email' }] }, { type: 'enrich', name: 'env', attributes: { env: 'prod' } }] } });
    const processors = buildProcessors(config.pipeline.processors);
    expect(processors.map((p) => p.name)).toEqual(['redact', 'env']);
    const span = makeSpan({ attributes: [{ key: 'to', value: str('ada@example.com') }] });
    const out = processors.reduce((spans, p) => p.process(spans).spans, [span] as readonly (typeof span)[]);
    expect(out[0]!.attributes).toEqual([
      { key: 'to', value: str('[email]') },
      { key: 'env', value: str('prod') },
    ]);
  });
});
