import { z } from 'zod';
import { optionalText, requiredText } from './query-params.js';

/*
 * Attribute autocomplete. Answers come from what the server has seen recently (traces ingested or read), not from
 * a full scan of the store, so they are suggestions: bounded, most recent values first.
 */

/** `GET /api/clew/v1/attributes/keys?service=&prefix=` */
export const AttributeKeysQuerySchema = z.object({ service: optionalText, prefix: optionalText });
export type AttributeKeysQueryInput = z.input<typeof AttributeKeysQuerySchema>;

/** Keys of span, resource and event attributes, sorted. */
export const AttributeKeysResponseSchema = z.object({ keys: z.array(z.string()) });
export type AttributeKeysResponse = z.infer<typeof AttributeKeysResponseSchema>;

/** `GET /api/clew/v1/attributes/values?key=&service=&prefix=` */
export const AttributeValuesQuerySchema = z.object({ key: requiredText, service: optionalText, prefix: optionalText });
export type AttributeValuesQueryInput = z.input<typeof AttributeValuesQuerySchema>;

/** Values as text, the way `attr=key=value` matches them (anyValueToString); most recently seen first. */
export const AttributeValuesResponseSchema = z.object({ key: z.string(), values: z.array(z.string()) });
export type AttributeValuesResponse = z.infer<typeof AttributeValuesResponseSchema>;
