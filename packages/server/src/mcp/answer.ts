import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ClewError } from '../errors.js';

/**
 * The most characters any tool answers with (about 10,000 tokens): enough for a page of search results or a
 * 300-span outline, small enough that an assistant can call several tools in one conversation. Each tool bounds its
 * lists so that its answer fits; {@link jsonAnswer} cuts anything that still does not, saying so.
 */
export const MAX_ANSWER_CHARS = 40_000;

/** Longest text value (an attribute, a status message, a statement) an answer carries before cutting it. */
export const MAX_VALUE_CHARS = 2_000;

/** A tool's answer: one text block of compact JSON, at most MAX_ANSWER_CHARS. */
export function jsonAnswer(value: unknown): CallToolResult {
  const text = JSON.stringify(value);
  if (text.length <= MAX_ANSWER_CHARS) return { content: [{ type: 'text', text }] };
  const note = `… [answer cut at ${MAX_ANSWER_CHARS} characters of ${text.length}; ask for fewer items]`;
  return { content: [{ type: 'text', text: text.slice(0, MAX_ANSWER_CHARS - note.length) + note }] };
}

/**
 * A refused or failed call as the tool's answer (isError), so the assistant reads why and can try again: a
 * ClewError's message as it stands (it names the parameter or the missing trace), anything else as an internal error.
 */
export function errorAnswer(err: unknown): CallToolResult {
  const text = err instanceof ClewError ? `${err.code}: ${err.message}` : `INTERNAL: ${err instanceof Error ? err.message : String(err)}`;
  return { content: [{ type: 'text', text }], isError: true };
}

/** `s` cut to `max` characters, saying how long it was. */
export function clip(s: string, max = MAX_VALUE_CHARS): string {
  return s.length <= max ? s : `${s.slice(0, max)}… [${s.length} characters]`;
}

/** Milliseconds from nanoseconds, to the microsecond: what an answer shows for a duration. */
export const msOf = (ns: number | bigint): number => Math.round(Number(ns) / 1e3) / 1e3;

/** A number rounded to `digits` decimals; null stays null. */
export function rounded(x: number | null, digits = 3): number | null {
  if (x === null || !Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** An epoch-nanosecond time as ISO 8601 (to the millisecond). */
export const isoOfNanos = (ns: bigint | string): string => new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();
