import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The console is built to console/dist and served by Tessera at /console (src/http/routes/console).
 * `base` makes every asset URL absolute under /console/, so deep links (/console/accounts/…) load.
 */
export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [preact()],
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    sourcemap: false,
    // Every browser the console supports preloads modules natively: no polyfill in the entry.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
