import { DiagLogLevel } from '@opentelemetry/api';
import type { LogLevel } from './options.js';

const LEVELS: Record<LogLevel, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

/** The diagnostic level for an option or `OTEL_LOG_LEVEL` value (case-insensitive); undefined if unknown. */
export function diagLevel(value: string | undefined): DiagLogLevel | undefined {
  const key = value?.trim().toLowerCase();
  return key && Object.hasOwn(LEVELS, key) ? LEVELS[key as LogLevel] : undefined;
}
