/** Headless Chromium figures: IndexedDB save/open through Lathe's store, and the app shell size. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
// playwright-core and vite are imported where used, not here: run.ts imports this module up front,
// and loading them grows the heap (~18 -> ~75 MB with bundle-node.ts) in which the CSV contenders
// are then timed, which made every major GC costlier during their runs.
import type { BrowserContext } from 'playwright-core';
import type { IdbBenchResult } from '../browser/idb-page.ts';
import { serveStatic } from './server.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic'
];

export async function withChromium<T>(
  fn: (ctx: BrowserContext) => Promise<T>,
  options: { serviceWorkers?: 'allow' | 'block'; args?: string[] } = {}
): Promise<T> {
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(join(tmpdir(), 'lathe-bench-chromium-'));
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    serviceWorkers: options.serviceWorkers ?? 'allow'
  });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

/** Bundles bench/browser/idb-page.ts with Vite and runs it in Chromium. */
export async function runIdbBench(rootDir: string, rounds = 3): Promise<IdbBenchResult> {
  const configFile = join(rootDir, 'bench/browser/vite.config.ts');
  const outDir = join(rootDir, 'bench/data/browser');
  const { build } = await import('vite');
  await build({ configFile, logLevel: 'warn' });
  writeFileSync(
    join(outDir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>lathe idb bench</title>' +
      '<script type="module" src="/idb-page.js"></script>\n'
  );
  const server = await serveStatic(outDir);
  try {
    return await withChromium(async (ctx) => {
      const page = ctx.pages()[0] ?? (await ctx.newPage());
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(server.url + '/', { waitUntil: 'load' });
      await page.waitForFunction(() => 'runIdbBench' in globalThis, null, { timeout: 30_000 });
      if (errors.length) throw new Error(`bench page error: ${errors.join('; ')}`);
      return await page.evaluate(
        (n) =>
          (
            globalThis as unknown as { runIdbBench: (n: number) => Promise<IdbBenchResult> }
          ).runIdbBench(n),
        rounds
      );
    });
  } finally {
    await server.close();
  }
}

export interface ShellResult {
  files: { url: string; bytes: number; gzipBytes: number }[];
  gzipBytes: number;
  rawBytes: number;
  /** When build/index.html was written (a stale build measures old code). */
  builtAt: string;
}

/** Loads the built app's first page and sums the gzip-9 sizes of every JavaScript response. */
/** The built app's folder (built first when missing or asked) and when it was built. */
export function ensureBuild(
  rootDir: string,
  rebuild = false
): { buildDir: string; builtAt: string } {
  const buildDir = join(rootDir, 'build');
  const index = join(buildDir, 'index.html');
  if (rebuild || !existsSync(index)) {
    console.log(`${rebuild ? '--rebuild' : 'build/ missing'}: running npm run build …`);
    const r = spawnSync('npm', ['run', 'build'], { cwd: rootDir, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status})`);
  }
  return { buildDir, builtAt: statSync(index).mtime.toISOString() };
}

export async function measureShell(rootDir: string, rebuild = false): Promise<ShellResult> {
  const { buildDir, builtAt } = ensureBuild(rootDir, rebuild);
  const server = await serveStatic(buildDir, 'index.html');
  try {
    return await withChromium(
      async (ctx) => {
        const seen = new Map<string, Promise<{ url: string; bytes: number; gzipBytes: number }>>();
        ctx.on('response', (res) => {
          const type = res.request().resourceType();
          const ctype = res.headers()['content-type'] ?? '';
          const isJs =
            type === 'script' || /javascript/.test(ctype) || /\.m?js(\?|$)/.test(res.url());
          if (!isJs || seen.has(res.url()) || res.status() >= 300) return;
          seen.set(
            res.url(),
            res.body().then((body) => ({
              url: res.url().replace(server.url, ''),
              bytes: body.byteLength,
              gzipBytes: gzipSync(body, { level: 9 }).byteLength
            }))
          );
        });
        const page = ctx.pages()[0] ?? (await ctx.newPage());
        await page.goto(server.url + '/', { waitUntil: 'networkidle' });
        const files = await Promise.all(seen.values());
        files.sort((a, b) => b.gzipBytes - a.gzipBytes);
        return {
          files,
          gzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0),
          rawBytes: files.reduce((s, f) => s + f.bytes, 0),
          builtAt
        };
      },
      // The first page as a person first sees it: no service worker precaching on the side.
      { serviceWorkers: 'block' }
    );
  } finally {
    await server.close();
  }
}
