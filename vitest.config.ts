import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against sources (`@clew/x` → packages/x/src/index.ts, `@clew/x/y` → packages/x/src/y.ts);
    // the built dist/ is what `clew serve` runs.
    alias: [
      // @clew/node lives in packages/sdk-node.
      { find: /^@clew\/node$/, replacement: `${packages}sdk-node/src/index.ts` },
      { find: /^@clew\/([a-z-]+)$/, replacement: `${packages}$1/src/index.ts` },
      { find: /^@clew\/([a-z-]+)\/([a-z0-9-]+)$/, replacement: `${packages}$1/src/$2.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
