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
    await page.getByRole('tab', { name: 'Import report' }).click();
    const facts = await page.locator('.facts').innerText();
    assert.match(facts, /ARROW/);
    assert.doesNotMatch(facts, /encoding|utf-8/);
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
    const select = card.getByLabel('Type of code');
    assert.equal(await select.locator('option:checked').innerText(), 'categorical (override)');
    assert.equal(await select.locator('option[value="integer"]').innerText(), 'integer (detected)');
    assert.match(await card.getByTestId('override-note').innerText(), /detected: integer/);

    // A second change keeps the first override; choosing the detected type drops it again.
    const amount = page.getByRole('article', { name: 'Column amount', exact: true });
    await amount.getByLabel('Type of amount').selectOption('float');
    await page.getByRole('button', { name: 'Re-import with these types' }).click();
    await page.getByTestId('job').waitFor({ state: 'detached', timeout: 60_000 });
    await amount.getByTestId('override-note').waitFor();
    assert.equal(await select.inputValue(), 'categorical');
    await select.selectOption('integer');
    await page.getByRole('button', { name: 'Re-import with these types' }).click();
    await page.getByTestId('job').waitFor({ state: 'detached', timeout: 60_000 });
    await card.getByTestId('override-note').waitFor({ state: 'detached' });
    assert.equal(await select.locator('option:checked').innerText(), 'integer (detected)');
    assert.match(await card.innerText(), /mean/);
    await page.close();
  });

  it('keeps ZIP codes as text and reads dates with a format the user types', async () => {
    const page = await openApp(app.session, app.server);
    const csv = [
      'zip,day',
      ...Array.from(
        { length: 40 },
        (_, i) =>
          `${String(501 + i * 977).padStart(5, '0')},199806${String(1 + (i % 28)).padStart(2, '0')}`
      )
    ];
    await pick(page, 'places.csv', 'text/csv', Buffer.from(csv.join('\n')));
    await waitForDataset(page, 'places');
    const zip = page.getByRole('article', { name: 'Column zip', exact: true });
    assert.match(await zip.innerText(), /00501/);
    assert.equal(await zip.getByLabel('Type of zip').inputValue(), 'categorical');
    await page.getByRole('tab', { name: 'Import report' }).click();
    assert.match(
      await page.getByTestId('column-notes').innerText(),
      /"zip" kept as text, not integer: .*leading zeros \(e\.g\. "00501" at line 2\)/
    );
    assert.match(await page.locator('.facts').innerText(), /encoding\s+utf-8/);
    await page.getByRole('tab', { name: 'Profile' }).click();

    const day = page.getByRole('article', { name: 'Column day', exact: true });
    await day.getByLabel('Type of day').selectOption('datetime');
    const format = day.getByLabel('Date format');
    await format.fill('yyyyMMdd');
    await format.fill('yyyyQQdd');
    await day
      .getByRole('alert')
      .getByText(/the letter "Q", which is not a date field/)
      .waitFor();
    await format.fill('yyyyMMdd');
    await day.getByRole('alert').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Re-import with these types' }).click();
    await page.getByTestId('job').waitFor({ state: 'detached', timeout: 60_000 });
    await day
      .getByTestId('override-note')
      .getByText(/format yyyyMMdd · detected: integer/)
      .waitFor();
    assert.equal(
      await day.getByLabel('Type of day').locator('option:checked').innerText(),
      'datetime (override)'
    );
    assert.equal(await day.getByLabel('Date format').inputValue(), 'yyyyMMdd');
    assert.match(await day.innerText(), /min\s+1998-06-01/);
    assert.match(await day.innerText(), /max\s+1998-06-28/);
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
