/**
 * Bundles bench/mem-child.ts (and the code under test it imports) into plain ESM for node with
 * Vite's SSR build, so memory children run without tsx: the tsx loader keeps a second V8 isolate
 * (~35 MB) in the process, which would count against the parser being measured. Packages stay
 * external and resolve from node_modules at run time, as in any node program.
 */
import { join } from 'node:path';

export async function bundleMemChild(rootDir: string): Promise<string> {
  // Imported here, not at the top: see the note in browser.ts.
  const { build } = await import('vite');
  const outDir = join(rootDir, 'bench/data/node');
  await build({
    configFile: false,
    root: rootDir,
    logLevel: 'warn',
    publicDir: false,
    resolve: { alias: { $lib: join(rootDir, 'src/lib') } },
    build: {
      ssr: join(rootDir, 'bench/mem-child.ts'),
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      sourcemap: false,
      rollupOptions: { output: { format: 'es', entryFileNames: 'mem-child.mjs' } }
    }
  });
  return join(outDir, 'mem-child.mjs');
}
