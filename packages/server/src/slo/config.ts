import { SloDefinitionSchema } from '@clew/api';
import { z } from 'zod';

/** `slos:` in the config file: SLOs defined there are listed beside those made through the API, read-only. */
export const slosConfigSchema = z.array(SloDefinitionSchema).default([]);

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
          })
          .strict(),
      )
      .default([]),
    /** How often SLOs are evaluated. */
    evaluateEvery: z.string().default('30s'),
  })
  .strict()
  .prefault({});
