import { parseDuration } from '@clew/api';
import { z } from 'zod';
import { ClewError } from '../errors.js';

const DAY_MS = 86_400_000;

/** The time-window fields every windowed tool takes, with what they mean for an assistant. */
export const timeWindowFields = {
  since: z
    .string()
    .optional()
    .describe('How far back from `to` (or now) to look, as a duration: "15m", "1h", "6h", "7d". Ignored when `from` is given.'),
  from: z.string().optional().describe('Window start: ISO 8601 ("2025-01-31T12:00:00Z") or milliseconds since the epoch.'),
  to: z.string().optional().describe('Window end: ISO 8601 or milliseconds since the epoch; now when absent.'),
};

export interface WindowInput {
  readonly since?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** A window in epoch ms; either end undefined when nothing bounds it. */
export interface MillisWindow {
  readonly from: number | undefined;
  readonly to: number | undefined;
}

/**
 * The window the fields name: `from`/`to` as given, else `since` before `to` (or now), else `defaultSince` before
 * it (no start at all when that is undefined). A BAD_PARAMETER ClewError names a field that does not parse.
 * @example resolveWindow({ since: '1h' }, Date.now(), undefined) // the last hour
 */
export function resolveWindow(input: WindowInput, nowMs: number, defaultSince: string | undefined): MillisWindow {
  const to = input.to === undefined ? undefined : timeOf(input.to, 'to');
  const from = input.from === undefined ? undefined : timeOf(input.from, 'from');
  if (from !== undefined) {
    if (to !== undefined && to < from) throw new ClewError('BAD_PARAMETER', '`to` is before `from`', { parameter: 'to' });
    return { from, to };
  }
  const since = input.since ?? defaultSince;
  if (since === undefined) return { from: undefined, to };
  return { from: (to ?? nowMs) - durationMs(since, input.since === undefined ? 'default' : 'since'), to };
}

/** Epoch ms of ISO 8601 text or of epoch-ms digits. */
function timeOf(text: string, field: string): number {
  const t = /^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : Date.parse(text);
  if (!Number.isFinite(t)) {
    throw new ClewError('BAD_PARAMETER', `${field}: expected ISO 8601 time or milliseconds since the epoch, got '${text}'`, { parameter: field });
  }
  return t;
}

/** A duration in ms: anything parseDuration takes, or whole days ("7d"). */
function durationMs(text: string, field: string): number {
  const days = /^(\d+)d$/.exec(text.trim());
  if (days) return Number(days[1]) * DAY_MS;
  const ns = parseDuration(text);
  if (ns === null) throw new ClewError('BAD_PARAMETER', `${field}: expected a duration such as 15m, 1h or 7d, got '${text}'`, { parameter: field });
  return Number(ns / 1_000_000n);
}
