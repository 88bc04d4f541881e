import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

/** The operator UI: built once into web/dist, served by Tally at `/`. */
export default defineConfig({
  root: webRoot,
  base: './',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `vite --config web/vite.config.ts` during development: the API runs on Tally's port.
    proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } },
  },
});
