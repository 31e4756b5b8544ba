import { describe, expect, it } from 'vitest';
import type { PromptEvent, PromptState } from './prompt-state.js';
import { CLOSED, promptReducer, tokenProblem } from './prompt-state.js';

const OPEN: PromptState = { kind: 'open', checking: false };
const CHECKING: PromptState = { kind: 'open', checking: true };

describe('promptReducer', () => {
  it.each<{ case: string; from: PromptState; event: PromptEvent; to: PromptState | 'same' }>([
    { case: '401 without a token opens the prompt', from: CLOSED, event: { type: 'unauthenticated', tokenUsed: null, tokenNow: null }, to: OPEN },
    {
      case: '401 to the kept token opens it saying the token stopped working',
      from: CLOSED,
      event: { type: 'unauthenticated', tokenUsed: 'old', tokenNow: 'old' },
      to: { kind: 'open', checking: false, error: expect.stringContaining('no longer accepts') as unknown as string },
    },
    { case: '401 to a request sent before the new token was kept is ignored', from: CLOSED, event: { type: 'unauthenticated', tokenUsed: null, tokenNow: 'new' }, to: 'same' },
    { case: 'more 401s while it is open change nothing', from: { kind: 'open', checking: false, error: 'e' }, event: { type: 'unauthenticated', tokenUsed: null, tokenNow: null }, to: 'same' },
    { case: '401s while a token is being checked change nothing', from: CHECKING, event: { type: 'unauthenticated', tokenUsed: null, tokenNow: null }, to: 'same' },
    { case: 'submit checks and clears the last error', from: { kind: 'open', checking: false, error: 'e' }, event: { type: 'submitted' }, to: CHECKING },
    { case: 'an accepted token closes it', from: CHECKING, event: { type: 'accepted' }, to: CLOSED },
    {
      case: 'an unknown token (401) keeps it open with an error',
      from: CHECKING,
      event: { type: 'refused', status: 401, message: 'unknown token' },
      to: { kind: 'open', checking: false, error: 'Clew does not know this token. Check it was copied whole, or ask for a new one.' },
    },
    {
      case: 'a token that may not read (403) shows the server message, not a fresh prompt',
      from: CHECKING,
      event: { type: 'refused', status: 403, message: 'this token may not read' },
      to: { kind: 'open', checking: false, error: 'Clew knows this token but refused it: this token may not read' },
    },
    {
      case: 'Clew unreachable while checking says so',
      from: CHECKING,
      event: { type: 'refused', status: 0, message: 'The Clew API could not be reached.' },
      to: { kind: 'open', checking: false, error: expect.stringContaining('could not be reached') as unknown as string },
    },
    { case: 'signing out opens it empty', from: CLOSED, event: { type: 'signed-out' }, to: OPEN },
  ])('$case', ({ from, event, to }) => {
    const next = promptReducer(from, event);
    if (to === 'same') expect(next).toBe(from);
    else expect(next).toEqual(to);
  });
});

describe('tokenProblem', () => {
  it.each([
    ['', 'Enter the token.'],
    ['two words', expect.stringContaining('no spaces')],
    ['tökén', expect.stringContaining('printable ASCII')],
    ['clew_AbC-123.x~+/=', undefined],
  ])('%j', (text, problem) => {
    expect(tokenProblem(text)).toEqual(problem);
  });
});
