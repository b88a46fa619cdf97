/**
 * Bundles the browser bench page (bench/browser/idb-page.ts) as one ES module into
 * bench/data/browser/, with the app's `$lib` alias so src/lib/store resolves as in the app.
 * Used programmatically by bench/lib/browser.ts (`vite.build({ configFile: <this file> })`).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  publicDir: false,
  logLevel: 'warn',
  resolve: { alias: { $lib: here('../../src/lib') } },
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: here('../data/browser'),
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    lib: {
      entry: here('./idb-page.ts'),
      formats: ['es'],
      fileName: () => 'idb-page.js'
    }
  }
});
