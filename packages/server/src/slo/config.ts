import { SloDefinitionSchema } from '@clew/api';
import { DEFAULT_TENANT, isValidTenant } from '@clew/model';
import { z } from 'zod';
import { parseConfigDuration } from '../config/duration.js';

const duration = z.string().refine((s) => parseConfigDuration(s) !== null, {
  message: 'expected a duration such as 7d, 12h, 30m, 10s or 500ms',
});

/** One SLO of the config file: a definition, and whose it is (`tenant`, DEFAULT_TENANT when absent). */
export const configuredSloSchema = SloDefinitionSchema.extend({
  tenant: z
    .string()
    .refine(isValidTenant, { message: 'expected a tenant name: 1 to 64 letters, digits, "_", "." or "-"' })
    .optional(),
});

export type ConfiguredSlo = z.infer<typeof configuredSloSchema>;

/**
 * `slos:` in the config file: SLOs defined there are listed beside those made through the API, read-only. Each
 * belongs to its `tenant` (DEFAULT_TENANT when absent); ids are unique within a tenant.
 */
export const slosConfigSchema = z
  .array(configuredSloSchema)
  .superRefine((slos, ctx) => {
    const seen = new Set<string>();
    slos.forEach((s, i) => {
      const key = `${s.tenant ?? DEFAULT_TENANT} ${s.id}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `another SLO has the id "${s.id}"; give each its own id` });
      seen.add(key);
    });
  })
  .default([]);

/** Where alerts go: webhooks that take Alertmanager's v4 JSON body (as Alertmanager's own webhook_configs send it). */
export const alertingConfigSchema = z
  .object({
    webhooks: z
      .array(
        z
          .object({
            url: z.string().url(),
            /** Extra request headers (e.g. Authorization). */
            headers: z.record(z.string(), z.string()).default({}),
            /** The body's `receiver`, as Alertmanager names the receiver a notification went to. */
            receiver: z.string().min(1).default('clew'),
          })
          .strict(),
      )
      .default([]),
    /** How often SLOs are evaluated (alerts fire and resolve at evaluations). */
    evaluateEvery: duration.refine((s) => parseConfigDuration(s)! >= 1000, { message: 'expected at least 1s' }).default('30s'),
    /** A firing alert is sent again after this long while it keeps firing (Alertmanager's repeat_interval); 0s never. */
    repeatInterval: duration.default('4h'),
    /** Where the UI is reached, for each alert's generatorURL; http://<host>:<ports.query> when absent. */
    externalUrl: z.string().url().optional(),
    /** Each notification is tried up to maxAttempts times, waiting initialBackoff, then twice as long, up to maxBackoff. */
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).max(100).default(6),
        initialBackoff: duration.default('1s'),
        maxBackoff: duration.default('1m'),
      })
      .strict()
      .prefault({}),
    /** How long one POST to a webhook may take before it counts as failed. */
    timeout: duration.default('10s'),
  })
  .strict()
  .prefault({});

export type AlertingConfig = z.infer<typeof alertingConfigSchema>;
export type WebhookConfig = AlertingConfig['webhooks'][number];
