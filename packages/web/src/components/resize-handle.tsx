import type { CSSProperties, KeyboardEvent, PointerEvent } from 'react';

interface Props {
  /** What it resizes, for screen readers and the tooltip: "span name column". */
  label: string;
  /** Called with the pointer's x (client pixels) while dragging. */
  onDrag(clientX: number): void;
  /** Arrow keys move the edge by `±step` (Shift: five steps). */
  onStep(delta: number): void;
  step: number;
  style?: CSSProperties;
  /** The current size, for screen readers (`aria-valuenow`). */
  value: number;
}

/**
 * A vertical edge to drag (or focus and move with the arrow keys) that resizes whatever sits beside it; the owner
 * turns the pointer's position into a size and remembers it.
 * @example <ResizeHandle label="span detail" value={w} step={20} onDrag={(x) => setW(right - x)} onStep={(d) => setW(w - d)} />
 */
export function ResizeHandle({ label, onDrag, onStep, step, style, value }: Props) {
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (e.currentTarget.hasPointerCapture(e.pointerId)) onDrag(e.clientX);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    onStep((e.key === 'ArrowLeft' ? -step : step) * (e.shiftKey ? 5 : 1));
  };
  return (
    <div
      className="resize-handle"
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize the ${label}`}
      aria-valuenow={Math.round(value)}
      title={`Drag to resize the ${label}`}
      tabIndex={0}
      style={style}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onKeyDown={onKeyDown}
      onClick={(e) => e.stopPropagation()}
    />
  );
}
