export { DecodeError } from './decode-error.js';
export type { DecodeResult } from './decode-result.js';
export { decodeOtlpProto } from './otlp-proto/decode.js';
export { encodeOtlpProto } from './otlp-proto/encode.js';
export { encodeExportResponseProto } from './otlp-proto/export-response.js';
export { decodeOtlpJson } from './otlp-json/decode.js';
export { encodeOtlpJson } from './otlp-json/encode.js';
export type {
  OtlpJsonAnyValue,
  OtlpJsonEntityRef,
  OtlpJsonEvent,
  OtlpJsonKeyValue,
  OtlpJsonLink,
  OtlpJsonResource,
  OtlpJsonResourceSpans,
  OtlpJsonScope,
  OtlpJsonScopeSpans,
  OtlpJsonSpan,
  OtlpJsonTracesData,
} from './otlp-json/types.js';
