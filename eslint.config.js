// ESLint for every package (`npm run lint`, after the type check): the recommended JavaScript and typescript-eslint
// rules (the type-unaware set: fast, and tsc already checks types), and one rule of the layout. Formatting is not
// linted.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Packages meet only through their names and exports (`@clew/model`, `@clew/model/testing`): never a path into
 * another package's src/ or dist/. Test helpers shared by several packages live in @clew/testing.
 */
const packageBoundaries = {
  patterns: [
    {
      regex: '^@clew/[^/]+/(src|dist)(/|$)',
      message: "Import the package by its name or one of its exports ('@clew/x', '@clew/x/y'), not its src/ or dist/.",
    },
    {
      // ../../codecs/src/…, ../../../cli/dist/…, …/packages/cli/src/…: out of this package and into another's files.
      regex: '^(\\.\\./)+[^./][^/]*/(src|dist)(/|$)|(^|/)packages/[^/]+/(src|dist)(/|$)',
      message:
        "Import another package by its name ('@clew/x', '@clew/x/y'), not a path into its src/ or dist/; test helpers shared by several packages belong in @clew/testing.",
    },
  ],
};

export default tseslint.config(
  {
    ignores: ['**/dist/', '**/node_modules/', 'bench/out/', 'data/', 'test-results/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      'no-restricted-imports': ['error', packageBoundaries],
      // A leading underscore marks what is unused on purpose: an Express error handler's fourth argument, a key
      // taken out of an object by destructuring so the rest can be passed on.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // @duckdb/node-api is CommonJS: imported from an ES module, node reads each of its files with its export lexer
    // first (tens of milliseconds at the start of every command that opens a store). Shipped code takes its values
    // from the storage package's node-api.ts, which requires it; types are imported from it as they are.
    files: ['packages/*/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'packages/storage/src/duckdb/node-api.ts', 'packages/demo/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: '@duckdb/node-api', allowTypeImports: true, message: "Take its values from packages/storage/src/duckdb/node-api.ts (required, not imported); import its types with 'import type'." }] },
      ],
    },
  },
  {
    // Tests read the JSON answers of the APIs they test, and the shape of those answers is what they assert: typing
    // each one first would restate the assertion. Shipped code is held to no-explicit-any.
    files: ['**/*.test.ts', '**/src/testing/**', 'packages/testing/**', 'packages/web/src/browser/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['packages/web/src/**'],
    ignores: ['packages/web/src/browser/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    // The CommonJS test apps (packages/sdk-node/test-fixtures) check that @clew/node works for require()d code.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
