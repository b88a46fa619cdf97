import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { launch, openPage, useApp, type Session, type StaticServer } from './harness';

async function openSampleThenFeatures(session: Session, server: StaticServer): Promise<Page> {
  const page = await openPage(session, server.url);
  await page.getByTestId('sample-penguins').click();
  await page.getByTestId('dataset-view').waitFor({ timeout: 60_000 });
  await page.getByRole('link', { name: 'Features', exact: true }).click();
  await page.getByTestId('preview').waitFor({ timeout: 30_000 });
  return page;
}

const csv = (rows: string[]) => Buffer.from(rows.join('\n'));

describe('Features stage in Chromium', () => {
  const app = useApp();

  it('previews a starter pipeline, builds a feature set, and reuses it on a second build', async () => {
    const page = await openSampleThenFeatures(app.session, app.server);
    assert.equal(await page.getByTestId('target-select').inputValue(), 'Species');
    await page
      .getByTestId('preview-status')
      .filter({ hasText: /Updated in \d+ ms/ })
      .waitFor();
    const preview = await page.getByTestId('preview').innerText();
    assert.match(preview, /Island=Biscoe/);

    await page.getByTestId('run-pipeline').click();
    const result = page.getByTestId('run-result');
    await result.waitFor({ timeout: 60_000 });
    // Every penguin has a species: 70/15/15 of 344 rows, stratified.
    assert.match(await result.innerText(), /^Saved .*241 train, 52 validation, 51 test rows/);
    await page.getByTestId('feature-set-row').first().waitFor();
    assert.equal(await page.getByTestId('feature-set-row').count(), 1);

    await page.getByTestId('run-pipeline').click();
    await page.getByText(/Already built earlier/).waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('feature-set-row').count(), 1);
    await page.close();
  });

  it('points at the position of an expression error and recovers when it is fixed', async () => {
    const page = await openSampleThenFeatures(app.session, app.server);
    await page.getByTestId('add-step').selectOption('filter');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const card = page.getByTestId('step-card').last();
    await card.getByLabel('Keep rows where').fill('`Body Mass (g)` > 4000 and `Bill` < 3');
    const error = card.getByTestId('step-error');
    await error.waitFor();
    assert.match(await error.innerText(), /Unknown column "Bill" at 27/);
    await card.getByLabel('Keep rows where').fill('`Body Mass (g)` > 0');
    await error.waitFor({ state: 'detached' });
    await page
      .getByTestId('preview-status')
      .filter({ hasText: /Updated in/ })
      .waitFor();
    await page.close();
  });

  it('adds a log transform that starts valid, on the number columns that are never negative', async () => {
    const page = await openSampleThenFeatures(app.session, app.server);
    await page
      .getByTestId('preview-status')
      .filter({ hasText: /Updated in \d+ ms/ })
      .waitFor();
    const before = await page.getByTestId('step-card').count();
    await page.getByTestId('add-step').selectOption('log1p');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const card = page.getByTestId('step-card').nth(before);
    await card.getByRole('checkbox', { name: /Body Mass \(g\)/ }).waitFor();
    // The starter has standardised the measurements (negative values), so the log transform
    // starts on all of them, signed.
    for (const name of [
      'Beak Length (mm)',
      'Beak Depth (mm)',
      'Flipper Length (mm)',
      'Body Mass (g)'
    ])
      assert.equal(await card.getByRole('checkbox', { name }).isChecked(), true, name);
    assert.equal(await card.getByRole('checkbox', { name: /Signed/ }).isChecked(), true);
    // One-hot columns (0/1) are offered but not chosen.
    assert.equal(await card.getByRole('checkbox', { name: /Island=Biscoe/ }).isChecked(), false);
    await page
      .getByTestId('preview-status')
      .filter({ hasText: /Updated in \d+ ms/ })
      .waitFor();
    assert.equal(await card.getByTestId('step-error').count(), 0);
    assert.match(await page.getByTestId('share-link').inputValue(), /\/features#p=/);
    assert.equal(await page.getByTestId('run-pipeline').isEnabled(), true);

    // Straight after the data (no steps before it), it takes the columns with no negatives.
    while ((await page.getByTestId('step-card').count()) > 0)
      await page.getByRole('button', { name: 'Remove step 1' }).click();
    await page
      .getByTestId('preview-status')
      .filter({ hasText: /Updated in \d+ ms/ })
      .waitFor();
    await page.getByTestId('add-step').selectOption('log1p');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const first = page.getByTestId('step-card').first();
    await first.getByRole('checkbox', { name: /Body Mass \(g\)/ }).waitFor();
    assert.equal(await first.getByRole('checkbox', { name: /Body Mass \(g\)/ }).isChecked(), true);
    assert.equal(await first.getByRole('checkbox', { name: /Signed/ }).isChecked(), false);
    // A categorical column is not offered to a step that takes numbers.
    assert.equal(await first.getByRole('checkbox', { name: /Island/ }).count(), 0);
    assert.equal(await first.getByTestId('step-error').count(), 0);
    await page.close();
  });

  it('says in plain words what an incomplete step needs, and why there is no link', async () => {
    const page = await openSampleThenFeatures(app.session, app.server);
    const before = await page.getByTestId('step-card').count();
    await page.getByTestId('add-step').selectOption('drop');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const n = before + 1;
    const card = page.getByTestId('step-card').nth(before);
    const error = card.getByTestId('step-error');
    await error.waitFor();
    assert.equal(await error.innerText(), `Step ${n} (drop): choose at least one column`);
    assert.equal(
      await page.getByTestId('no-link').innerText(),
      `No link while step ${n} (drop) is incomplete: choose at least one column.`
    );
    assert.equal(await page.getByTestId('share-link').count(), 0);
    assert.equal(await page.getByTestId('run-pipeline').isDisabled(), true);
    assert.match(
      await page.getByTestId('run-blocked').innerText(),
      new RegExp(`Step ${n} \\(drop\\): choose at least one column`)
    );

    await card.getByRole('checkbox', { name: /Sex=\(missing\)/ }).check();
    await error.waitFor({ state: 'detached' });
    await page.getByTestId('share-link').waitFor();
    assert.equal(await page.getByTestId('no-link').count(), 0);
    assert.equal(await page.getByTestId('run-pipeline').isEnabled(), true);
    await page.close();
  });

  it('opens a shared link in a new browser: the sample loads and the pipeline is restored', async () => {
    const page = await openSampleThenFeatures(app.session, app.server);
    await page.getByTestId('add-step').selectOption('log1p');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByTestId('step-card').last().getByLabel('Body Mass (g)').check();
    const steps = await page.getByTestId('step-card').count();
    const link = await page.getByTestId('share-link').inputValue();
    assert.match(link, /\/features#p=[\w-]+&v=1$/);
    await page.close();

    const stranger = await launch();
    try {
      const other = await openPage(stranger, link);
      await other.getByTestId('preview').waitFor({ timeout: 60_000 });
      assert.equal(await other.getByTestId('step-card').count(), steps);
      assert.equal(await other.getByTestId('target-select').inputValue(), 'Species');
      assert.doesNotMatch(other.url(), /#p=/);
      await other.close();
    } finally {
      await stranger.close();
    }
  });

  it('refuses corrupt, future-version and hostile links without touching the workspace', async () => {
    const page = await openPage(app.session, `${app.server.url}/features#p=not-deflate-at-all&v=1`);
    const error = page.getByTestId('link-error');
    await error.waitFor();
    assert.match(await error.innerText(), /could not be opened/);
    await page.getByTestId('preview').waitFor();

    await page.goto(`${app.server.url}/features#p=AAAA&v=99`);
    await page.reload();
    await page
      .getByTestId('link-error')
      .getByText(/newer version|version/i)
      .waitFor();
    await page.close();
  });

  it('asks for a local file named by a link and checks it is the same data', async () => {
    const page = await openPage(app.session, app.server.url);
    const rows = ['size,colour,price'];
    for (let i = 0; i < 120; i++)
      rows.push(`${i % 9},${['red', 'blue', 'green'][i % 3]},${i * 1.5}`);
    await page
      .getByTestId('file-input')
      .setInputFiles({ name: 'shop.csv', mimeType: 'text/csv', buffer: csv(rows) });
    await page.getByTestId('dataset-view').getByRole('heading', { name: 'shop' }).waitFor();
    await page.getByRole('link', { name: 'Features', exact: true }).click();
    await page.getByTestId('dataset-select').selectOption({ label: 'shop (120 rows)' });
    await page.getByTestId('preview').waitFor();
    const link = await page.getByTestId('share-link').inputValue();
    await page.close();

    const stranger = await launch();
    try {
      const other = await openPage(stranger, link);
      const ask = other.getByTestId('need-file');
      await ask.waitFor({ timeout: 30_000 });
      assert.match(await ask.innerText(), /shop\.csv/);
      const changed = [...rows.slice(0, -1), '1,red,9999'];
      await ask
        .getByLabel('Pick the linked file')
        .setInputFiles({ name: 'shop.csv', mimeType: 'text/csv', buffer: csv(changed) });
      await other
        .getByTestId('link-error')
        .getByText(/not the data this pipeline was made with/)
        .waitFor({ timeout: 30_000 });
      await ask
        .getByLabel('Pick the linked file')
        .setInputFiles({ name: 'shop.csv', mimeType: 'text/csv', buffer: csv(rows) });
      await other.getByTestId('need-file').waitFor({ state: 'detached', timeout: 30_000 });
      await other.getByTestId('preview').waitFor();
      assert.equal(await other.getByTestId('target-select').inputValue(), 'price');
      await other.close();
    } finally {
      await stranger.close();
    }
  });
});
