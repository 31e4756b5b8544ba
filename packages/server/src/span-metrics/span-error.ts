import type { Span } from '@clew/model';

/** Longest error message kept; error kinds are counted by (type, message), so long texts would split them. */
export const MAX_ERROR_MESSAGE = 300;

/**
 * What kind of error an ERROR span had: its first exception event's `exception.type` and `exception.message`, as
 * OpenTelemetry's `recordException` writes them, else the status message.
 */
export function spanError(span: Span): { type: string; message: string } {
  let type = '';
  let message = '';
  for (const e of span.events) {
    if (e.name !== 'exception') continue;
    for (const kv of e.attributes) {
      if (kv.value.type !== 'string') continue;
      if (kv.key === 'exception.type') type = kv.value.value;
      else if (kv.key === 'exception.message') message = kv.value.value;
    }
    break;
  }
  if (message === '') message = span.status.message;
  return { type, message: message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…` : message };
}
