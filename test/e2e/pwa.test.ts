import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BUILD_DIR,
  ISOLATION_HEADERS,
  launch,
  serveStatic,
  type Session,
  type StaticServer
} from './harness';

describe('Installable, updatable PWA', () => {
  let server: StaticServer;
  let session: Session;
  let work: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'lathe-pwa-'));
    cpSync(BUILD_DIR, join(work, 'v1'), { recursive: true });
    cpSync(BUILD_DIR, join(work, 'v2'), { recursive: true });
    // A new deploy: the service worker's bytes change, as its precache manifest would.
    appendFileSync(join(work, 'v2', 'sw.js'), '\n// next release\n');
    server = await serveStatic(join(work, 'v1'), { headers: ISOLATION_HEADERS });
    session = await launch();
  });

  after(async () => {
    await session?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('has a manifest with name, icons, start_url and standalone display', async () => {
    const manifest = JSON.parse(readFileSync(join(BUILD_DIR, 'manifest.webmanifest'), 'utf8'));
    assert.equal(manifest.display, 'standalone');
    assert.equal(manifest.start_url, '/');
    const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
    assert.ok(sizes.includes('192x192') && sizes.includes('512x512'));
    const page = await session.context.newPage();
    await page.goto(server.url);
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    const response = await page.request.get(new URL(href!, server.url).href);
    assert.equal(response.status(), 200);
    for (const icon of manifest.icons) {
      assert.equal((await page.request.get(new URL(icon.src, server.url).href)).status(), 200);
    }
    await page.close();
  });

  it('offers a new version with a prompt and never reloads on its own', async () => {
    const page = await session.context.newPage();
    await page.goto(server.url);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.reload();
    await page.getByRole('heading', { name: 'Data', exact: true }).waitFor();
    assert.equal(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), true);

    server.setRoot(join(work, 'v2'));
    await page.reload();
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const prompt = page.getByTestId('update-prompt');
    await prompt.waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1500);
    assert.equal(
      await page.evaluate(() => (window as unknown as { marker?: number }).marker),
      42,
      'the page must not reload by itself'
    );
    await prompt.getByRole('button', { name: 'Reload' }).click();
    await page.waitForFunction(() => !(window as unknown as { marker?: number }).marker, null, {
      timeout: 30_000
    });
    await page.getByRole('heading', { name: 'Data', exact: true }).waitFor();
    assert.equal(await page.getByTestId('update-prompt').count(), 0);
    await page.close();
  });
});
