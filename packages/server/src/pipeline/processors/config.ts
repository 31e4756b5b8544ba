import { z } from 'zod';
import { SPAN_KIND_NAMES } from '@clew/model';
import { enrichProcessor } from './enrich.js';
import { filterProcessor } from './filter.js';
import { headSamplingProcessor } from './head-sampling.js';
import { limitsProcessor } from './limits.js';
import type { Processor } from './processor.js';
import { PRESET_HINTS, REDACT_PRESETS, redactProcessor } from './redact.js';

/** A regular expression given as text, checked when the configuration is read. */
const regex = z.string().superRefine((s, ctx) => {
  try {
    new RegExp(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(err as Error).message}` });
  }
});
const count = z.number().int().positive();
const name = z.string().min(1).optional();

const limits = z
  .object({
    type: z.literal('limits'),
    name,
    maxAttributes: count.optional(),
    maxAttributeValueLength: count.optional(),
    maxEvents: count.optional(),
    maxLinks: count.optional(),
    maxSpansPerTrace: count.optional(),
  })
  .strict();

const rule = z
  .object({
    service: z.string().optional(),
    name: z.string().optional(),
    kind: z.enum(Object.values(SPAN_KIND_NAMES) as [string, ...string[]]).optional(),
    attributes: z.record(z.string(), z.string()).optional(),
    regex: z.boolean().optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.service === undefined && r.name === undefined && r.kind === undefined && Object.keys(r.attributes ?? {}).length === 0) {
      ctx.addIssue({ code: 'custom', message: 'a rule needs at least one of service, name, kind, attributes (an empty rule would match every span)' });
    }
    if (!r.regex) return;
    for (const [path, text] of [['service', r.service], ['name', r.name], ...Object.entries(r.attributes ?? {}).map(([k, v]) => [`attributes.${k}`, v])] as const) {
      if (text === undefined) continue;
      const check = regex.safeParse(text);
      if (!check.success) ctx.addIssue({ code: 'custom', path: [path], message: check.error.issues[0]!.message });
    }
  });

const filter = z
  .object({ type: z.literal('filter'), name, drop: z.enum(['spans', 'traces']).default('spans'), rules: z.array(rule).min(1) })
  .strict();

const mask = z.union([
  z.object({ preset: z.enum(Object.keys(REDACT_PRESETS) as [keyof typeof REDACT_PRESETS]), replacement: z.string().optional(), keys: z.array(z.string()).optional() }).strict(),
  z.object({ pattern: regex, replacement: z.string().optional(), keys: z.array(z.string()).optional() }).strict(),
]);

const redact = z
  .object({
    type: z.literal('redact'),
    name,
    dropKeys: z.array(z.string()).optional(),
    mask: z.array(mask).optional(),
    hashKeys: z.array(z.string()).optional(),
    /** The key of the keyed hash; required with hashKeys. */
    hashSecret: z.string().min(16, 'use a secret of at least 16 characters').optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if ((r.hashKeys?.length ?? 0) > 0 && r.hashSecret === undefined) {
      ctx.addIssue({ code: 'custom', path: ['hashSecret'], message: 'is required with hashKeys (the key of the keyed hash)' });
    }
  });

const enrich = z
  .object({
    type: z.literal('enrich'),
    name,
    attributes: z.record(z.string(), z.string()).optional(),
    override: z.boolean().optional(),
    copyResourceAttributes: z.array(z.string()).optional(),
  })
  .strict();

const headSampling = z
  .object({ type: z.literal('headSampling'), name, probability: z.number().gt(0, 'must be above 0 (a filter drops everything)').max(1) })
  .strict();

export const processorConfigSchema = z.discriminatedUnion('type', [limits, filter, redact, enrich, headSampling]);
export type ProcessorConfig = z.infer<typeof processorConfigSchema>;

/**
 * The ordered processor list of `pipeline.processors`, names unique (two processors of one type need a `name`).
 * @example processors: [{ type: redact, mask: [{ preset: email }] }, { type: headSampling, probability: 0.5 }]
 */
export const processorsConfigSchema = z
  .array(processorConfigSchema)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((p, i) => {
      const n = p.name ?? p.type;
      if (seen.has(n)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `another processor is already named '${n}'; give this one its own name` });
      seen.add(n);
    });
  });

const DEFAULT_MASK = '[REDACTED]';

/** The processors a configuration lists, in its order. */
export function buildProcessors(list: readonly ProcessorConfig[]): Processor[] {
  return list.map((p) => {
    switch (p.type) {
      case 'limits':
        return limitsProcessor(p);
      case 'filter':
        return filterProcessor(p);
      case 'redact':
        return redactProcessor({
          ...p,
          mask: (p.mask ?? []).map((m) => ({
            pattern: 'preset' in m ? REDACT_PRESETS[m.preset] : m.pattern,
            ...('preset' in m && { hint: PRESET_HINTS[m.preset] }),
            replacement: m.replacement ?? ('preset' in m ? `[${m.preset}]` : DEFAULT_MASK),
            ...(m.keys !== undefined && { keys: m.keys }),
          })),
        });
      case 'enrich':
        return enrichProcessor(p);
      case 'headSampling':
        return headSamplingProcessor(p);
    }
  });
}
