export { start, shutdown } from './start.js';
export type { ClewSdk } from './start.js';
export { withSpan } from './with-span.js';
export { ClewPropagator } from './propagation.js';
export type { InstrumentationOptions, LogLevel, PropagatorName, RemoteSamplingOptions, SamplingOptions, StartOptions, WithSpanOptions } from './options.js';
