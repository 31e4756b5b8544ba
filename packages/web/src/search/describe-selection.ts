import { parseDuration } from '@clew/api';
import { formatNanos } from '../format/duration.js';
import { formatTimestamp } from '../format/time.js';
import type { Selection } from './selection-state.js';

/**
 * The selection in words for the comparison's heading.
 * @example describeSelection({ kind: 'band', minDuration: '90500us' }) === 'spans of 90.5ms or more'
 */
export function describeSelection(s: Selection): string {
  if (s.kind === 'errors') return 'spans with errors';
  const d = (text: string | undefined) => {
    const ns = text === undefined ? null : parseDuration(text);
    return ns === null ? undefined : formatNanos(Number(ns));
  };
  const [min, max] = [d(s.minDuration), d(s.maxDuration)];
  const parts = [];
  if (min && max) parts.push(`spans of ${min} to ${max}`);
  else if (min) parts.push(`spans of ${min} or more`);
  else if (max) parts.push(`spans of ${max} or less`);
  else parts.push('spans');
  const t = (ms: number) => formatTimestamp(ms).slice(11, 19);
  if (s.start !== undefined && s.end !== undefined) parts.push(`starting ${t(s.start)}–${t(s.end)}`);
  else if (s.start !== undefined) parts.push(`starting from ${t(s.start)}`);
  else if (s.end !== undefined) parts.push(`starting until ${t(s.end)}`);
  return parts.join(' ');
}
