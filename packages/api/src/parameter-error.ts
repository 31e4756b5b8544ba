import type { z } from 'zod';

export interface ParameterProblem {
  /** The parameter at fault, as named in the URL ('' when the problem spans several, which the message says). */
  readonly parameter: string;
  /** e.g. "parameter 'limit': expected an integer from 1 to 1000, got '0'" */
  readonly message: string;
}

/** The first problem zod found in a request's parameters, phrased for a person reading a 400. */
export function describeParameterError(error: z.ZodError): ParameterProblem {
  const issue = error.issues[0];
  if (issue === undefined) return { parameter: '', message: 'invalid parameters' };
  const parameter = issue.path.length > 0 ? String(issue.path[0]) : '';
  const what = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
  return { parameter, message: parameter === '' ? what : `parameter '${parameter}': ${what}` };
}
