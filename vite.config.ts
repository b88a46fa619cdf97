import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import type { Connect, Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

// Cross-origin isolation unlocks SharedArrayBuffer (WASM threads); `credentialless` still lets a
// user load CORS-enabled URLs and lets other origins embed the widget.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'credentialless'
};

// SvelteKit's dev and preview servers answer pages from their own middleware, before Vite's
// `headers` option applies, so the isolation headers are set by this first middleware.
const setIsolationHeaders: Connect.NextHandleFunction = (_req, res, next) => {
  for (const [key, value] of Object.entries(isolationHeaders)) res.setHeader(key, value);
  next();
};

const isolation: Plugin = {
  name: 'lathe-isolation-headers',
  configureServer: (server) => void server.middlewares.use(setIsolationHeaders),
  configurePreviewServer: (server) => void server.middlewares.use(setIsolationHeaders)
};

export default defineConfig({
  plugins: [
    isolation,
    sveltekit(),
    // Our own service worker (src/sw.ts) so that a failed precache is told to the page. The app
    // shell is precached as "/" (spa.fallbackMapping), not /index.html: every static host and
    // `vite preview` answer "/", and some answer /index.html with a 404 or a redirect.
    SvelteKitPWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.js', // the output name; the source is SvelteKit's src/service-worker.ts
      registerType: 'prompt',
      injectRegister: false,
      manifest: false,
      kit: { assets: 'public', adapterFallback: 'index.html', spa: { fallbackMapping: '/' } },
      injectManifest: {
        globPatterns: ['client/**/*.{js,css,svg,png,webmanifest,json,csv,wasm}'],
        maximumFileSizeToCacheInBytes: 40 * 1024 * 1024
      }
    })
  ],
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000
        }
      }
    ]
  }
});
