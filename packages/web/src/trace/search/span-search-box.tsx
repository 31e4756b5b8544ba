import type { KeyboardEvent } from 'react';

interface Props {
  text: string;
  onText(next: string): void;
  count: number | undefined;
  current: number;
  onStep(delta: 1 | -1): void;
}

/** Filter box for spans in this trace; Enter and Shift+Enter step through the matches. */
export function SpanSearchBox({ text, onText, count, current, onStep }: Props) {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    onStep(e.shiftKey ? -1 : 1);
  };
  return (
    <div className="span-search">
      <input
        type="search"
        aria-label="Find spans in this trace"
        placeholder="Find spans: name, attribute, error, exception…"
        value={text}
        onChange={(e) => onText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      {count !== undefined && (
        <>
          <span className="muted" data-testid="match-count">
            {count === 0 ? 'no matches' : `${current + 1} of ${count}`}
          </span>
          <button type="button" disabled={!count} onClick={() => onStep(-1)} aria-label="Previous match">↑</button>
          <button type="button" disabled={!count} onClick={() => onStep(1)} aria-label="Next match">↓</button>
        </>
      )}
    </div>
  );
}
