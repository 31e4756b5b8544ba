import type { ApiErrorBody, ApiErrorCode } from '@clew/api';
import { API_ERROR_STATUS } from '@clew/api';

/** An answer the native API gives on purpose; handlers throw it and the plugin's error handler writes it. */
export class NativeApiError extends Error {
  override readonly name = 'NativeApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly parameter?: string,
    /** Where a TraceQL query went wrong. */
    readonly position?: { readonly offset: number; readonly line: number; readonly column: number },
  ) {
    super(message);
  }

  get status(): number {
    return API_ERROR_STATUS[this.code];
  }

  body(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.parameter !== undefined && { parameter: this.parameter }), ...(this.position !== undefined && { position: { ...this.position } }) } };
  }
}
