import { defineConfig } from 'vite';

// esbuild compiles JSX itself (automatic runtime), so no framework plugin is needed.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Maps are written beside the bundles (to decode a stack trace from a bug report) but not named in them, so
    // browsers never ask for them; the query port refuses /assets/*.map unless started with --serve-source-maps.
    sourcemap: 'hidden',
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // React Query and React Router mark modules "use client" for server-component bundlers; meaningless here.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' || warning.message.includes("Can't resolve original location of error")) return;
        warn(warning);
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:16686' } },
});
