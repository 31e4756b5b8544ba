// What `clew export` and `clew import` do, for programs (benchmarks) that run them in their own process.
export type { ExportRequest, ExportSource } from './export.js';
export { exportSpans } from './export.js';
export type { ImportOptions, ImportSummary } from './import.js';
export { importFile } from './import.js';
export type { ClewUrls, ImportTarget } from './import-targets.js';
export { clewTarget, dataDirTarget } from './import-targets.js';
