import { describe, expect, it } from 'vitest';
import { answerOf } from './reach.js';

describe('answerOf', () => {
  it.each([
    ['the native API’s error', '{"error":{"code":"BAD_PARAMETER","message":"q is not TraceQL: parse error","parameter":"q"}}', 'q is not TraceQL: parse error'],
    ['a message', '{"message":"too many requests"}', 'too many requests'],
    ['an error text', '{"error":"not found"}', 'not found'],
    ['JSON of another shape, as it is', '{"errors":[{"code":404}]}', '{"errors":[{"code":404}]}'],
    ['text, as it is', 'no route', 'no route'],
  ])('%s', async (_, body, said) => {
    expect(await answerOf(new Response(body, { status: 400 }))).toBe(said);
  });
});
