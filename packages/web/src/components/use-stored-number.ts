import { useCallback, useState } from 'react';

/** A number read from localStorage once, clamped to [min, max], and written back whenever it is set. */
export function useStoredNumber(key: string, fallback: number, min: number, max: number): [number, (next: number) => void] {
  const [value, setValue] = useState(() => clamp(Number(localStorage.getItem(key) ?? NaN), min, max, fallback));
  const set = useCallback(
    (next: number) => {
      const v = clamp(next, min, max, fallback);
      setValue(v);
      localStorage.setItem(key, String(Math.round(v * 1000) / 1000));
    },
    [key, min, max, fallback],
  );
  return [value, set];
}

/** `v` within [min, max]; `fallback` when it is not a number. */
export function clamp(v: number, min: number, max: number, fallback: number): number {
  return Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}
