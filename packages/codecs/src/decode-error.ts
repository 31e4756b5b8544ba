/**
 * Thrown by every decoder when the input is malformed (the whole request is refused, OTLP answers 400 /
 * INVALID_ARGUMENT). The message says what was wrong and where, e.g. "invalid wire type 7 at byte 1234 in Span".
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}
