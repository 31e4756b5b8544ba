export type { ClewConfig, ClewConfigInput } from './config/schema.js';
export { configSchema } from './config/schema.js';
export { configFromEnv, configFromFile, mergeConfig, resolveConfig } from './config/load.js';
export { ClewError } from './errors.js';
export type { RunningClew } from './serve.js';
export { startClew } from './serve.js';
