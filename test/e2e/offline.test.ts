import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { BUILD_DIR, ISOLATION_HEADERS, launch, MIME_TYPES, waitForDataset } from './harness';

const ROOT = resolve(import.meta.dirname, '../..');

interface Started {
  url: string;
  child: ChildProcess;
  output: () => string;
}

/** Runs a command in its own process group and waits for the URL it prints. */
function startServer(command: string, args: string[], timeoutMs: number): Promise<Started> {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let text = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`no URL within ${timeoutMs} ms:\n${text}`)),
      timeoutMs
    );
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const url = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(text)?.[1];
      if (url) {
        clearTimeout(timer);
        done({ url, child, output: () => text });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${command} ${args.join(' ')} exited (${code}) before serving:\n${text}`));
    });
  });
}

/** Stops the whole process group (npm, the shell and node) and waits until it is gone. */
async function stopServer(started: Started) {
  if (started.child.exitCode !== null || started.child.signalCode !== null) return;
  const exited = new Promise((done) => started.child.once('exit', done));
  process.kill(-started.child.pid!, 'SIGTERM');
  await exited;
  await assert.rejects(fetch(started.url), 'the server no longer answers');
}

async function waitForOfflineReady(page: Page) {
  await page.getByText('Lathe is ready to work offline.').waitFor({ timeout: 120_000 });
  await page.getByTestId('status-offline').filter({ hasText: 'Offline: ready' }).waitFor();
}

async function sampleToModel(page: Page) {
  await page.getByTestId('sample-penguins').click();
  await waitForDataset(page, 'Palmer penguins');
  await page.getByRole('link', { name: 'Features', exact: true }).click();
  await page.getByTestId('preview').waitFor({ timeout: 60_000 });
  await page.getByTestId('run-pipeline').click();
  await page.getByTestId('run-result').waitFor({ timeout: 60_000 });
  await page.getByRole('link', { name: 'Train', exact: true }).click();
  await page.getByTestId('backend-select').selectOption('wasm');
  await page.getByTestId('epochs').fill('5');
  await page.getByTestId('train').click();
  const result = page.getByTestId('train-result').or(page.getByTestId('train-error'));
  await result.waitFor({ timeout: 180_000 });
  assert.match(await result.innerText(), /Saved model version \d+/);
}

/** A plain static host with no SPA fallback: files as built, anything else is a 404 page. */
async function plainHost(root: string) {
  const server = createServer(async (req, res) => {
    let file = join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': MIME_TYPES[extname(file)] ?? 'application/octet-stream',
        ...ISOLATION_HEADERS
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/html' }).end('<h1>404 Not Found</h1>');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      })
  };
}

describe('Offline, with the servers people use', () => {
  const children: Started[] = [];
  after(async () => {
    for (const started of children) await stopServer(started).catch(() => {});
  });

  it('works offline after a visit to `npm start`, with the server stopped', async () => {
    const started = await startServer('npm', ['start'], 420_000);
    children.push(started);
    const session = await launch();
    try {
      const page = await session.context.newPage();
      page.on('pageerror', (error) => console.error('page error:', error.message));
      await page.goto(started.url);
      await page.getByRole('heading', { name: 'Data', exact: true }).waitFor();
      await waitForOfflineReady(page);
      assert.equal(await page.getByTestId('offline-problem').innerText(), '');

      await stopServer(started);
      await page.reload();
      await page.getByRole('heading', { name: 'Data', exact: true }).waitFor();
      await sampleToModel(page);
      await page.getByRole('link', { name: 'Models', exact: true }).click();
      await page.getByTestId('model-row').first().waitFor();
    } finally {
      await session.close();
    }
  });

  it('works offline from a plain static host that answers unknown paths with 404', async () => {
    const host = await plainHost(BUILD_DIR);
    const session = await launch();
    try {
      const page = await session.context.newPage();
      await page.goto(host.url);
      await waitForOfflineReady(page);
      await host.close();
      // A route this browser never fetched, opened with the host gone.
      await page.goto(`${host.url}/features`);
      await page.getByRole('heading', { name: 'Features', exact: true }).waitFor();
      await page.getByRole('link', { name: 'Data', exact: true }).click();
      await sampleToModel(page);
    } finally {
      await session.close();
      await host.close();
    }
  });

  it('says so, and why, when the offline copy cannot be saved', async () => {
    const work = mkdtempSync(join(tmpdir(), 'lathe-broken-'));
    try {
      cpSync(BUILD_DIR, work, { recursive: true });
      rmSync(join(work, 'samples', 'wine.csv'));
      const started = await startServer('node', ['scripts/serve.mjs', '--root', work], 30_000);
      children.push(started);
      const session = await launch();
      try {
        const page = await session.context.newPage();
        await page.goto(started.url);
        const problem = page.getByTestId('offline-problem');
        await problem.filter({ hasText: /\S/ }).waitFor({ timeout: 60_000 });
        assert.equal(
          await problem.innerText(),
          'Offline is not available: the server answered 404 for /samples/wine.csv, a file the offline copy needs. Lathe works while this server can be reached.'
        );
        assert.equal(
          await page.getByTestId('status-offline').innerText(),
          'Offline: not available'
        );
        assert.equal(await page.getByText('ready to work offline').count(), 0);
      } finally {
        await session.close();
        await stopServer(started);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
