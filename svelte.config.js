import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ fallback: 'index.html', strict: true }),
    files: { assets: 'public' },
    serviceWorker: { register: false },
    alias: { $workers: 'workers' }
  }
};

export default config;
