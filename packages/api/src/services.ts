import { z } from 'zod';
import { optionalSpanKind, requiredText, SpanKindNameSchema } from './query-params.js';

/** `GET /api/clew/v1/services`: every service name, sorted. */
export const ServicesResponseSchema = z.object({ services: z.array(z.string()) });
export type ServicesResponse = z.infer<typeof ServicesResponseSchema>;

/** `GET /api/clew/v1/operations?service=&spanKind=` */
export const OperationsQuerySchema = z.object({ service: requiredText, spanKind: optionalSpanKind });
export type OperationsQueryInput = z.input<typeof OperationsQuerySchema>;
export type OperationsQuery = z.output<typeof OperationsQuerySchema>;

export const OperationSchema = z.object({ name: z.string(), spanKind: SpanKindNameSchema });
export type Operation = z.infer<typeof OperationSchema>;

/** Distinct (name, kind) pairs of the service's spans, sorted by name then kind. */
export const OperationsResponseSchema = z.object({ operations: z.array(OperationSchema) });
export type OperationsResponse = z.infer<typeof OperationsResponseSchema>;
