import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Content types a static host sends for the built files. */
export const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain'
};

export interface StaticServer {
  url: string;
  /** Serves another folder from now on, as a deploy of a new version would. */
  setRoot(root: string): void;
  close(): Promise<void>;
}

/** Serves a built SPA the way a static host does: files, else index.html. */
export async function serveStatic(
  root: string,
  options: { headers?: Record<string, string>; port?: number } = {}
): Promise<StaticServer> {
  let base = resolve(root);
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(base, path));
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    } catch {
      file = join(base, 'index.html');
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': MIME_TYPES[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-cache',
        ...options.headers
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    setRoot(next) {
      base = resolve(next);
    },
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      })
  };
}

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'credentialless'
};

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Session {
  browser: Browser;
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile (empty storage) per session, as a new user would have. */
export async function launch(): Promise<Session> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'lathe-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--enable-unsafe-webgpu'
    ],
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true
  });
  return {
    browser: context.browser() as Browser,
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    }
  };
}

export const BUILD_DIR = resolve(import.meta.dirname, '../../build');

/** Inside a describe(): serves the build and opens a browser for its tests, then closes both. */
export function useApp(): { server: StaticServer; session: Session } {
  const state = {} as { server: StaticServer; session: Session };
  before(async () => {
    state.server = await serveStatic(BUILD_DIR, { headers: ISOLATION_HEADERS });
    state.session = await launch();
  });
  after(async () => {
    await state.session?.close();
    await state.server?.close();
  });
  return state;
}

export async function openPage(session: Session, url: string): Promise<Page> {
  const page = await session.context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(url);
  return page;
}

/** The app's first page, ready: the Data stage heading is shown. */
export async function openApp(session: Session, server: StaticServer): Promise<Page> {
  const page = await openPage(session, server.url);
  await page.getByRole('heading', { name: 'Data', exact: true }).waitFor();
  return page;
}

export async function waitForDataset(page: Page, name: string) {
  await page
    .getByTestId('dataset-view')
    .getByRole('heading', { name })
    .waitFor({ timeout: 60_000 });
}

export function csvFile(name: string, text: string) {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') };
}

/** A sample opened, its starter pipeline built, and the Train stage open. */
export async function starterOnTrain(page: Page, sample: string) {
  await page.getByTestId(`sample-${sample}`).click();
  await page.getByTestId('dataset-view').waitFor({ timeout: 60_000 });
  await page.getByRole('link', { name: 'Features', exact: true }).click();
  await page.getByTestId('preview').waitFor({ timeout: 30_000 });
  await page.getByTestId('run-pipeline').click();
  await page.getByTestId('run-result').waitFor({ timeout: 60_000 });
  await page.getByRole('link', { name: 'Train', exact: true }).click();
  await page.getByTestId('train').waitFor();
}
