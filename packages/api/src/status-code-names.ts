import type { StatusCodeName } from './trace.js';

/** OTLP status codes by wire number (as the outline's `status` column holds them), in the API's names. */
export const STATUS_CODE_NAMES: readonly StatusCodeName[] = ['unset', 'ok', 'error'];
