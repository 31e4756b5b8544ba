import type { z } from 'zod';

export interface ParameterProblem {
  /** The parameter at fault, as named in the URL ('' when the problem spans several, which the message says). */
  readonly parameter: string;
  /** e.g. "parameter 'limit': expected an integer from 1 to 1000, got '0'" */
  readonly message: string;
}

/**
 * The first problem zod found in a request's parameters, phrased for a person reading a 400. `input` is what was
 * checked: zod does not keep the value it refused unless asked, and without it a value of the wrong type cannot be
 * told from a missing one.
 * @example describeParameterError(ArchiveRequestSchema.safeParse(body).error!, body) // parameter 'note': must be a string, got a number
 */
export function describeParameterError(error: z.ZodError, input?: unknown): ParameterProblem {
  const issue = error.issues[0];
  if (issue === undefined) return { parameter: '', message: 'invalid parameters' };
  const parameter = issue.path.length > 0 ? String(issue.path[0]) : '';
  const what = issue.code === 'invalid_type' ? typeProblem(issue.expected, input === undefined ? issue.input : valueAt(input, issue.path)) : issue.message;
  if (parameter !== '') return { parameter, message: `parameter '${parameter}': ${what}` };
  // Only a body can be other than an object as a whole: a URL's parameters always are one.
  return { parameter, message: issue.code === 'invalid_type' ? `the body ${what}` : what };
}

function typeProblem(expected: string, value: unknown): string {
  if (value === undefined) return 'is required';
  const wanted = expected === 'object' ? 'a JSON object' : expected === 'int' ? 'an integer' : withArticle(expected);
  return `must be ${wanted}, got ${kindOf(value)}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return withArticle(typeof value);
}

const withArticle = (noun: string): string => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}
