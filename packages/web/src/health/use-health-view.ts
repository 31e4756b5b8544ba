import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { readHealthView, writeHealthView } from './health-view.js';
import type { HealthView } from './health-view.js';

/** The health view in the URL, and a setter that keeps the page's other parameters. */
export function useHealthView(): [HealthView, (next: HealthView) => void, URLSearchParams, (p: URLSearchParams) => void] {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => readHealthView(params), [params]);
  const setView = useCallback((next: HealthView) => setParams((p) => writeHealthView(p, next)), [setParams]);
  return [view, setView, params, setParams];
}
