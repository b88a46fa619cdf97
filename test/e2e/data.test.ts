import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  BUILD_DIR,
  csvFile,
  ISOLATION_HEADERS,
  openApp,
  serveStatic,
  useApp,
  waitForDataset
} from './harness';

interface Sample {
  id: string;
  name: string;
  columns: number;
  rows: number;
  target: string;
}

const samples: Sample[] = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../public/samples/index.json'), 'utf8')
);
const penguins = samples.find((s) => s.id === 'penguins') ?? samples[0];

describe('Data stage in Chromium', () => {
  const app = useApp();

  it('shows what this browser offers for compute and storage', async () => {
    const page = await openApp(app.session, app.server);
    await page.getByTestId('status-gpu').waitFor();
    assert.match(await page.getByTestId('status-simd').innerText(), /WASM SIMD: yes/);
    assert.match(
      await page.getByTestId('status-isolated').innerText(),
      /Cross-origin isolated: yes/
    );
    assert.match(
      await page.getByTestId('status-gpu').innerText(),
      /WebGPU: (software fallback|yes)/
    );
    await page.getByTestId('status-storage').waitFor();
    await page.close();
  });

  it('opens a sample, profiles it, and finds it again after a reload', async () => {
    const otherTab = await openApp(app.session, app.server);
    const page = await openApp(app.session, app.server);
    await page.getByTestId(`sample-${penguins.id}`).click();
    await waitForDataset(page, penguins.name);
    await otherTab
      .getByTestId('dataset-row')
      .getByRole('button', { name: penguins.name, exact: true })
      .waitFor();
    await otherTab.close();
    const cards = page.getByTestId('column-card');
    assert.equal(await cards.count(), Math.min(24, penguins.columns));
    const target = page.getByRole('article', { name: `Column ${penguins.target}` });
    assert.match(await target.innerText(), /Adelie/);

    await page.getByRole('tab', { name: 'Table' }).click();
    const grid = page.getByTestId('data-table');
    await grid.getByRole('gridcell').first().waitFor();
    assert.equal(await grid.getAttribute('aria-rowcount'), String(penguins.rows + 1));

    await page.reload();
    const rows = page.getByTestId('dataset-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1);
    await rows.getByRole('button', { name: penguins.name, exact: true }).click();
    await waitForDataset(page, penguins.name);
    await page.close();
  });

  it('imports a file from the picker and shows hostile or bad cells as text', async () => {
    const page = await openApp(app.session, app.server);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    // 2 bad scores in 300 stay under the 1% that would turn the column into text.
    const rows = [
      'id,label,score',
      '1,<img src=x onerror=alert(1)>,0.5',
      '2,plain,oops',
      '3,"quoted, comma",1e309'
    ];
    for (let i = 4; i <= 300; i++) rows.push(`${i},x${i % 3},${i / 4}`);
    await page.getByTestId('file-input').setInputFiles(csvFile('hostile.csv', rows.join('\n')));
    await waitForDataset(page, 'hostile');

    await page.getByRole('tab', { name: /Import report/ }).click();
    const invalid = page.getByTestId('invalid-values');
    await invalid.waitFor();
    const reportText = await invalid.innerText();
    assert.match(reportText, /score/);
    assert.match(reportText, /oops/);

    await page.getByRole('tab', { name: 'Table' }).click();
    const cell = page.getByRole('gridcell', { name: '<img src=x onerror=alert(1)>' });
    await cell.waitFor();
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.equal(dialogs, 0);
    await page.close();
  });

  it('loads a CSV from a URL, and names CORS when a server refuses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lathe-remote-'));
    writeFileSync(join(dir, 'remote.csv'), 'city,temp\nOslo,3.5\nLima,19\n');
    const open = await serveStatic(dir, { headers: { 'Access-Control-Allow-Origin': '*' } });
    const closed = await serveStatic(dir);
    try {
      const page = await openApp(app.session, app.server);
      const url = page.getByLabel('or load from a URL');
      await url.fill(`${closed.url}/remote.csv`);
      await page.getByRole('button', { name: 'Load', exact: true }).click();
      const error = page.getByTestId('error');
      await error.waitFor();
      assert.match(await error.innerText(), /CORS/);

      await url.fill(`${open.url}/remote.csv`);
      await page.getByRole('button', { name: 'Load', exact: true }).click();
      await waitForDataset(page, 'remote');
      await page.close();
    } finally {
      await open.close();
      await closed.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('re-imports with a changed column type as the next version of the same dataset', async () => {
    const page = await openApp(app.session, app.server);
    await page
      .locator('[data-testid="dataset-list"], [data-testid="datasets-empty"]')
      .first()
      .waitFor();
    const before = await page.getByTestId('dataset-row').count();
    const lines = ['code,visits'];
    for (let i = 0; i < 40; i++) lines.push(`${String(i * 37).padStart(5, '0')},${i % 7}`);
    await page.getByTestId('file-input').setInputFiles(csvFile('zipcodes.csv', lines.join('\n')));
    await waitForDataset(page, 'zipcodes');
    const type = page.getByLabel('Type of code');
    const detected = await type.inputValue();
    const other = detected === 'categorical' ? 'text' : 'categorical';
    await type.selectOption(other);
    await page.getByRole('button', { name: 'Re-import with these types' }).click();
    const note = `v2, types changed: code → ${other}`;
    await waitForDataset(page, `zipcodes (${note})`);
    assert.equal(await page.getByTestId('dataset-row').count(), before + 2);
    const versions = await page.getByTestId('dataset-version').allInnerTexts();
    assert.ok(versions.includes(`(${note})`), versions.join(' | '));
    assert.equal(
      await page.getByLabel('Type of code').locator('option:checked').innerText(),
      `${other} (override)`
    );
    await page.getByText('Lineage', { exact: true }).click();
    const lineage = page.getByTestId('dataset-lineage');
    assert.match(await lineage.innerText(), /2, a re-import of zipcodes v1/);
    await lineage.getByRole('button').click();
    await page
      .getByTestId('dataset-view')
      .getByRole('heading', { name: 'zipcodes', exact: true })
      .waitFor();
    assert.equal(await page.getByLabel('Type of code').inputValue(), detected);
    await page.close();
  });

  it('reports an empty file clearly and keeps the datasets already saved', async () => {
    const page = await openApp(app.session, app.server);
    await page.getByTestId('dataset-row').first().waitFor();
    const before = await page.getByTestId('dataset-row').count();
    await page.getByTestId('file-input').setInputFiles(csvFile('empty.csv', ''));
    const error = page.getByTestId('error');
    await error.waitFor();
    assert.match(await error.innerText(), /empty\.csv/);
    assert.match(await error.innerText(), /empty/i);
    assert.equal(await page.getByTestId('dataset-row').count(), before);
    await page.close();
  });

  it('cancels a long import and saves nothing', async () => {
    const page = await openApp(app.session, app.server);
    await page.getByTestId('dataset-row').first().waitFor();
    const before = await page.getByTestId('dataset-row').count();
    const lines = ['a,b,c,d'];
    for (let i = 0; i < 600_000; i++) lines.push(`${i},${(i * 0.37) % 11},cat${i % 17},${i % 2}`);
    await page.getByTestId('file-input').setInputFiles(csvFile('big.csv', lines.join('\n')));
    await page.getByTestId('job').waitFor();
    await page.getByTestId('cancel-job').click();
    await page.getByText('Import cancelled. Nothing was saved.').waitFor();
    await page.reload();
    await page.getByTestId('dataset-row').first().waitFor();
    assert.equal(await page.getByTestId('dataset-row').count(), before);
    await page.close();
  });

  it('keeps no half dataset when the tab closes during a save', async () => {
    const page = await openApp(app.session, app.server);
    const lines = ['x,y,z,w,v'];
    for (let i = 0; i < 600_000; i++)
      lines.push(`${i},${i * 0.5},${(i * 7) % 13},k${i % 29},${i % 3}`);
    await page
      .getByTestId('file-input')
      .setInputFiles(csvFile('interrupted.csv', lines.join('\n')));
    // Close the tab as soon as the job is past parsing (profiling, then saving). Fast polling:
    // on a quick machine those phases last a fraction of a second.
    const reached = await page.waitForFunction(
      () => {
        const job = document.querySelector('[data-testid="job"]');
        if (job && /Saving to this browser|Profiling columns/.test(job.textContent ?? '')) {
          return 'saving';
        }
        return !job && document.querySelector('[data-testid="dataset-view"]') ? 'finished' : false;
      },
      null,
      { polling: 5, timeout: 120_000 }
    );
    const phase = await reached.jsonValue();
    await page.close({ runBeforeUnload: false });

    const again = await openApp(app.session, app.server);
    await again
      .locator('[data-testid="dataset-list"], [data-testid="datasets-empty"]')
      .first()
      .waitFor();
    assert.equal(await again.getByTestId('dataset-unreadable').count(), 0);
    const names = await again.getByTestId('dataset-row').getByRole('button').allInnerTexts();
    if (phase === 'finished') assert.ok(names.includes('interrupted'));
    if (names.includes('interrupted')) {
      // Whatever was saved is whole: it opens and its table reads.
      await again.getByRole('button', { name: 'interrupted', exact: true }).click();
      await waitForDataset(again, 'interrupted');
      await again.getByRole('tab', { name: 'Table' }).click();
      await again.getByRole('gridcell').first().waitFor();
    }
    await again.close();
  });

  it('works with the network gone after the first visit', async () => {
    const page = await openApp(app.session, app.server);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.reload();
    await page.getByRole('heading', { name: 'Data', exact: true }).waitFor();
    assert.equal(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), true);
    await app.server.close();
    await app.session.context.setOffline(true);
    try {
      await page.reload();
      await page.getByRole('heading', { name: 'Data', exact: true }).waitFor();
      await page.getByTestId('dataset-row').first().waitFor();
      const wine = samples.find((s) => s.id !== penguins.id) ?? penguins;
      await page.getByTestId(`sample-${wine.id}`).click();
      await waitForDataset(page, wine.name);
    } finally {
      await app.session.context.setOffline(false);
      app.server = await serveStatic(BUILD_DIR, { headers: ISOLATION_HEADERS });
    }
    await page.close();
  });
});
