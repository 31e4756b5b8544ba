import { z } from 'zod';

/*
 * Typed attribute values in JSON, losslessly: int64 as a decimal string, bytes as base64, doubles as numbers except
 * NaN and ±Infinity (which JSON cannot hold) as the strings "NaN", "Infinity", "-Infinity". A key-value is flat
 * (`{ "key": "http.method", "type": "string", "value": "GET" }`) because a 50,000-span trace carries hundreds of
 * thousands of them. The types are written out because zod cannot infer a recursive union.
 */

export type ApiAnyValue =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'int'; readonly value: string }
  | { readonly type: 'double'; readonly value: number | 'NaN' | 'Infinity' | '-Infinity' }
  | { readonly type: 'bytes'; readonly value: string }
  | { readonly type: 'array'; readonly value: readonly ApiAnyValue[] }
  | { readonly type: 'kvlist'; readonly value: readonly ApiKeyValue[] }
  | { readonly type: 'empty' };

export type ApiKeyValue = { readonly key: string } & ApiAnyValue;

const variants = () =>
  [
    z.object({ type: z.literal('string'), value: z.string() }),
    z.object({ type: z.literal('bool'), value: z.boolean() }),
    z.object({ type: z.literal('int'), value: z.string().regex(/^-?\d+$/) }),
    z.object({ type: z.literal('double'), value: z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]) }),
    z.object({ type: z.literal('bytes'), value: z.base64() }),
    z.object({ type: z.literal('array'), value: z.array(z.lazy(() => ApiAnyValueSchema)) }),
    z.object({ type: z.literal('kvlist'), value: z.array(z.lazy(() => ApiKeyValueSchema)) }),
    z.object({ type: z.literal('empty') }),
  ] as const;

export const ApiAnyValueSchema: z.ZodType<ApiAnyValue> = z.discriminatedUnion('type', variants());

export const ApiKeyValueSchema: z.ZodType<ApiKeyValue> = z.discriminatedUnion(
  'type',
  variants().map((v) => v.extend({ key: z.string() })) as unknown as ReturnType<typeof variants>,
) as unknown as z.ZodType<ApiKeyValue>;

export const ApiAttributesSchema = z.array(ApiKeyValueSchema);
