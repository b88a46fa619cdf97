import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { csvFile, openApp, useApp, waitForDataset } from './harness';

/** What a copy of the cell's whole text puts on the clipboard. */
async function copyCell(cell: Locator): Promise<string> {
  return cell.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const selection = document.getSelection()!;
    selection.removeAllRanges();
    selection.addRange(range);
    const data = new DataTransfer();
    el.dispatchEvent(
      new ClipboardEvent('copy', { clipboardData: data, bubbles: true, cancelable: true })
    );
    return data.getData('text/plain') || selection.toString();
  });
}

const significantDigits = (text: string) =>
  text
    .replace(/e[+-]?\d+$/, '')
    .replace(/[^\d]/g, '')
    .replace(/^0+/, '').length;

async function headerAlignments(table: Locator) {
  return table.locator('th').evaluateAll((ths) => ths.map((th) => getComputedStyle(th).textAlign));
}

async function openStage(page: Page, name: string) {
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
}

describe('Small things: numbers, names, metric headers, deleting a dataset', () => {
  const app = useApp();

  it('tables show ~6 significant digits, the exact value on hover and on copy', async () => {
    const page = await openApp(app.session, app.server);
    const rows = ['ratio,count'];
    for (let i = 1; i <= 40; i++) rows.push(`${(i / 7).toPrecision(17)},${i * 1000}`);
    await page.getByTestId('file-input').setInputFiles(csvFile('ratios.csv', rows.join('\n')));
    await waitForDataset(page, 'ratios');
    await page.getByRole('tab', { name: 'Table' }).click();
    const cell = page.getByTestId('data-table').getByRole('gridcell').first();
    await cell.waitFor();
    assert.equal((await cell.innerText()).trim(), '0.142857');
    assert.equal(await cell.getAttribute('title'), String(1 / 7));
    assert.equal(await copyCell(cell), String(1 / 7));
    const count = page
      .getByTestId('data-table')
      .getByRole('gridcell', { name: '1000', exact: true });
    assert.equal(await count.count(), 1, 'integers are shown whole');

    await openStage(page, 'Features');
    await page.getByTestId('dataset-select').selectOption({ label: 'ratios (40 rows)' });
    await page
      .getByTestId('preview-status')
      .filter({ hasText: /Updated in/ })
      .waitFor({ timeout: 30_000 });
    const cells = page.getByTestId('preview').locator('td.num');
    await cells.first().waitFor();
    const texts = await cells.allInnerTexts();
    assert.ok(texts.length > 0);
    for (const text of texts) assert.ok(significantDigits(text) <= 6, `"${text}" in the preview`);
    const long = page.getByTestId('preview').locator('td[data-full]').first();
    const full = await long.getAttribute('data-full');
    assert.ok(full && significantDigits(full) > 6, `a preview value with many digits: ${full}`);
    assert.equal(await long.getAttribute('title'), full);
    assert.equal(await copyCell(long), full);
    await page.close();
  });

  it('a profile card shows a long column name whole', async () => {
    const page = await openApp(app.session, app.server);
    const name = 'Average household electricity consumption per month in kilowatt hours';
    const rows = [`${name},b`];
    for (let i = 0; i < 30; i++) rows.push(`${i * 1.5},${i % 3}`);
    await page.getByTestId('file-input').setInputFiles(csvFile('long.csv', rows.join('\n')));
    await waitForDataset(page, 'long');
    const heading = page.getByRole('article', { name: `Column ${name}` }).getByRole('heading');
    assert.equal(await heading.innerText(), name);
    const cut = await heading.evaluate((el) => el.scrollWidth > el.clientWidth);
    assert.equal(cut, false, 'the name is not cut off');
    assert.equal(await heading.getAttribute('title'), name);
    await page.close();
  });

  it('metric headers sit right over their numbers; deleting a dataset names what was made from it', async () => {
    const page = await openApp(app.session, app.server);
    await page.getByTestId('sample-penguins').click();
    await waitForDataset(page, 'Palmer penguins');
    await openStage(page, 'Features');
    await page.getByTestId('preview').waitFor({ timeout: 30_000 });
    await page.getByTestId('run-pipeline').click();
    await page.getByTestId('run-result').waitFor({ timeout: 60_000 });
    const featureSetName = (
      await page.getByTestId('feature-set-row').first().locator('td').first().innerText()
    ).trim();

    await openStage(page, 'Train');
    await page.getByTestId('backend-select').selectOption('wasm');
    await page.getByTestId('epochs').fill('5');
    await page.getByTestId('train').click();
    const result = page.getByTestId('train-result');
    await result.waitFor({ timeout: 180_000 });
    for (const table of await result.locator('table').all()) {
      assert.deepEqual(
        new Set(await headerAlignments(table)),
        new Set(['right']),
        'Train: metric headers'
      );
    }

    await openStage(page, 'Models');
    const row = page.getByTestId('model-row').first();
    const modelName = (await row.getByRole('button').innerText()).trim();
    const version = (await row.locator('td').nth(1).innerText()).trim();
    await row.getByRole('button').click();
    assert.deepEqual(
      new Set(await headerAlignments(page.getByTestId('metrics'))),
      new Set(['right']),
      'Models: headline metric headers'
    );

    await openStage(page, 'Data');
    await page.getByRole('button', { name: 'Delete Palmer penguins' }).click();
    const confirm = page.getByTestId('delete-confirm');
    const text = await confirm.innerText();
    assert.match(text, new RegExp(`feature set “${featureSetName.replace(/[()]/g, '.')}”`));
    assert.ok(text.includes(`${version} “${modelName}”`), text);
    assert.match(text, /stay usable/);
    assert.equal(
      await page.evaluate(() => document.activeElement?.textContent?.trim()),
      'Keep',
      'focus goes to the safe choice'
    );
    await page
      .getByTestId('dataset-row')
      .filter({ hasText: 'Palmer penguins' })
      .getByRole('button', { name: 'Delete', exact: true })
      .click();
    await page
      .getByRole('button', { name: 'Palmer penguins', exact: true })
      .waitFor({ state: 'detached' });

    // What the confirmation said is true: both are still there and usable.
    await openStage(page, 'Models');
    await page.getByTestId('model-row').filter({ hasText: modelName }).getByRole('button').click();
    await page.getByTestId('importance').click();
    await page
      .getByText(/Permutation importance/)
      .first()
      .waitFor({ timeout: 60_000 });
    await openStage(page, 'Train');
    await page.getByTestId('epochs').fill('3');
    await page.getByTestId('train').click();
    await page
      .getByTestId('train-result')
      .filter({ hasText: /Saved model version/ })
      .waitFor({ timeout: 180_000 });
    await page.close();
  });
});
