import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tableToIPC, tableFromArrays } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { Page } from 'playwright-core';
import { openApp, useApp, waitForDataset } from './harness';

async function pick(page: Page, name: string, mimeType: string, buffer: Buffer) {
  await page.getByTestId('file-input').setInputFiles({ name, mimeType, buffer });
}

async function cardText(page: Page, column: string): Promise<string> {
  return page.getByRole('article', { name: `Column ${column}`, exact: true }).innerText();
}

describe('Formats and large tables in Chromium', () => {
  const app = useApp();

  it('reads Parquet and Arrow IPC files from the picker', async () => {
    const page = await openApp(app.session, app.server);
    const parquet = parquetWriteBuffer({
      columnData: [
        { name: 'height', data: [1.5, 2.5, null, 4.5], type: 'DOUBLE' },
        { name: 'kind', data: ['oak', 'elm', 'oak', null], type: 'STRING' }
      ]
    });
    await pick(page, 'trees.parquet', 'application/octet-stream', Buffer.from(parquet));
    await waitForDataset(page, 'trees');
    const height = await cardText(page, 'height');
    assert.match(height, /float/);
    assert.match(height, /missing\s+1 \(25\.0%\)/);
    assert.match(height, /mean\s+2\.8333/);
    assert.match(await cardText(page, 'kind'), /oak\s+2/);

    const ipc = tableToIPC(
      tableFromArrays({
        step: Int32Array.from([1, 2, 3]),
        value: Float64Array.from([0.25, 0.5, 1])
      }),
      'file'
    );
    await pick(page, 'series.arrow', 'application/vnd.apache.arrow.file', Buffer.from(ipc));
    await waitForDataset(page, 'series');
    assert.match(await cardText(page, 'step'), /integer/);
    assert.match(await cardText(page, 'value'), /max\s+1\b/);
    await page.close();
  });

  it('re-imports with a column type the user chose', async () => {
    const page = await openApp(app.session, app.server);
    const csv = ['code,amount', ...Array.from({ length: 50 }, (_, i) => `${100 + (i % 4)},${i}`)];
    await pick(page, 'codes.csv', 'text/csv', Buffer.from(csv.join('\n')));
    await waitForDataset(page, 'codes');
    const card = page.getByRole('article', { name: 'Column code', exact: true });
    assert.match(await card.innerText(), /mean/);
    await card.getByLabel('Type of code').selectOption('categorical');
    await page.getByRole('button', { name: 'Re-import with these types' }).click();
    await page.getByTestId('job').waitFor({ state: 'detached', timeout: 60_000 });
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="column-card"] select')].some(
        (s) => (s as HTMLSelectElement).value === 'categorical' && s.id === 'type-code'
      )
    );
    assert.match(await card.innerText(), /100\s+13/);
    await page.close();
  });

  it('scrolls a 300,000-row table to its last row and pages through 3,000 columns', async () => {
    const page = await openApp(app.session, app.server);
    const rows = ['n,sq,label'];
    for (let i = 1; i <= 300_000; i++) rows.push(`${i},${i * i},r${i % 7}`);
    await pick(page, 'long.csv', 'text/csv', Buffer.from(rows.join('\n')));
    await waitForDataset(page, 'long');
    await page.getByRole('tab', { name: 'Table' }).click();
    const grid = page.getByTestId('data-table');
    await grid.getByRole('gridcell').first().waitFor();
    await grid.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await grid.getByRole('rowheader', { name: '300000', exact: true }).waitFor();
    await grid.getByRole('gridcell', { name: '90000000000', exact: true }).waitFor();

    const header = Array.from({ length: 3000 }, (_, i) => `c${i}`).join(',');
    const line = Array.from({ length: 3000 }, (_, i) => String(i)).join(',');
    await pick(page, 'wide.csv', 'text/csv', Buffer.from(`${header}\n${line}\n${line}\n`));
    await waitForDataset(page, 'wide');
    await page.getByRole('tab', { name: 'Profile' }).click();
    assert.equal(await page.getByTestId('column-card').count(), 24);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('article', { name: 'Column c24', exact: true }).waitFor();
    await page.getByRole('searchbox').fill('c2999');
    await page.getByRole('article', { name: 'Column c2999', exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Table' }).click();
    const wide = page.getByTestId('data-table');
    await wide.evaluate((el) => (el.scrollLeft = el.scrollWidth));
    await wide.getByRole('columnheader', { name: /c2999/ }).waitFor();
    await page.close();
  });
});
