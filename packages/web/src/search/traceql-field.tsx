import type { KeyboardEvent } from 'react';

/** Where the server said a TraceQL query went wrong. */
export interface TraceQLProblem {
  readonly message: string;
  readonly position?: { readonly offset: number; readonly line: number; readonly column: number };
}

/**
 * The TraceQL query box. Enter searches (Shift+Enter starts a new line); a parse error is shown under the box with
 * the offending line and a caret under the column the server pointed at.
 * @example <TraceQLField value={q} onChange={setQ} problem={{ message, position: { offset: 19, line: 1, column: 20 } }} />
 */
export function TraceQLField({ value, onChange, problem }: { value: string; onChange(next: string): void; problem?: TraceQLProblem | undefined }) {
  const submitOnEnter = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      e.currentTarget.form?.requestSubmit();
    }
  };
  const line = problem?.position === undefined ? undefined : value.split('\n')[problem.position.line - 1];
  return (
    <>
      <textarea
        value={value}
        rows={Math.min(6, Math.max(1, value.split('\n').length))}
        spellCheck={false}
        placeholder='{ resource.service.name = "checkout" } >> { status = error }'
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={submitOnEnter}
        aria-label="TraceQL query"
        aria-invalid={problem !== undefined}
        style={{ fontFamily: 'var(--mono, monospace)', width: '100%', resize: 'vertical' }}
      />
      {problem && (
        <div role="alert" data-testid="traceql-error" style={{ color: 'var(--error, #c62828)', fontSize: 13 }}>
          <span>{problem.message}</span>
          {line !== undefined && problem.position && (
            <pre data-testid="traceql-error-position" style={{ margin: '4px 0 0', fontFamily: 'var(--mono, monospace)' }}>
              {line}
              {'\n'}
              {' '.repeat(Math.max(0, problem.position.column - 1))}^
            </pre>
          )}
        </div>
      )}
    </>
  );
}
