import { defineConfig } from 'vite';

// esbuild compiles JSX itself (automatic runtime), so no framework plugin is needed.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://127.0.0.1:16686' } },
});
