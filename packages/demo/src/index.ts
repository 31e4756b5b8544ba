export type { Demo, DemoOptions, ShopUrls } from './start-demo.js';
export { startDemo } from './start-demo.js';
export type { LoadGenerator, LoadOptions } from './load-generator.js';
export { startLoad } from './load-generator.js';
