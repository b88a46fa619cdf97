import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openApp, starterOnTrain, useApp } from './harness';

async function buildPenguinFeatures(page: Page) {
  await starterOnTrain(page, 'penguins');
}

/** The cars sample's starter pipeline built, and chosen on the Train stage. */
async function carsStarterOnTrain(page: Page) {
  await starterOnTrain(page, 'cars');
  const select = page.getByTestId('featureset-select');
  const cars = await select
    .locator('option', { hasText: 'Miles_per_Gallon' })
    .first()
    .getAttribute('value');
  await select.selectOption(cars!);
}

async function train(page: Page, epochs: number) {
  await page.getByTestId('epochs').fill(String(epochs));
  await page.getByTestId('train').click();
  const done = page.getByTestId('train-result').or(page.getByTestId('train-error'));
  await done.waitFor({ timeout: 180_000 });
  return page.getByTestId('train-result').innerText();
}

describe('Train and Models stages in Chromium', () => {
  const app = useApp();

  it('trains with live curves, registers versions, compares them, moves and rolls back an alias', async () => {
    const page = await openApp(app.session, app.server);
    await buildPenguinFeatures(page);
    await page.getByTestId('backend-select').selectOption('wasm');
    const first = await train(page, 25);
    assert.match(first, /Saved model version 1/);
    // Both splits evaluated; the penguins are nearly separable with a logistic model.
    const accuracy = Number(/test split\s+accuracy[^\n]*\n([\d.]+)%/.exec(first)?.[1]);
    assert.ok(accuracy >= 90, `test accuracy ${accuracy}`);
    assert.match(await page.getByTestId('train-status').innerText(), /wasm/);
    // The live chart has its table alternative.
    await page.getByRole('button', { name: 'Show as table' }).first().click();
    assert.ok((await page.locator('table').count()) > 0);

    await page.getByTestId('model-select').selectOption('mlp');
    const second = await train(page, 10);
    assert.match(second, /Saved model version 2/);

    await page.getByRole('link', { name: 'Models', exact: true }).click();
    const rows = page.getByTestId('model-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 2);
    await page.getByLabel('Compare version 1').check();
    await page.getByLabel('Compare version 2').check();
    const comparison = await page.getByTestId('compare').innerText();
    assert.match(comparison, /accuracy/);
    assert.match(comparison, /Validation loss per epoch/);

    await rows.filter({ hasText: 'v1' }).getByRole('button').click();
    await page.getByTestId('importance').click();
    await page
      .getByText(/Permutation importance: drop in accuracy/)
      .first()
      .waitFor({ timeout: 60_000 });
    await page.getByTestId('set-alias').click();
    await page.getByText(/production\s*→ v1/).waitFor();
    await rows.filter({ hasText: 'v2' }).getByRole('button').click();
    await page.getByTestId('set-alias').click();
    await page.getByText(/production\s*→ v2/).waitFor();

    await page.getByTestId('delete-model').click();
    const refusal = page.getByTestId('error');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /cannot be deleted while "production" points at it/);
    assert.equal(await rows.count(), 2);

    await page.getByRole('button', { name: 'Roll back' }).click();
    await page.getByText(/production\s*→ v1/).waitFor();
    await page.getByTestId('delete-model').click();
    await rows.nth(1).waitFor({ state: 'detached' });
    assert.equal(await rows.count(), 1);
    await page.close();
  });

  it('trains the same model on cpu, wasm and WebGPU (software adapter) with agreeing results', async () => {
    const page = await openApp(app.session, app.server);
    await buildPenguinFeatures(page);
    const losses: Record<string, number> = {};
    for (const backend of ['cpu', 'wasm', 'webgpu']) {
      await page.getByTestId('backend-select').selectOption(backend);
      await page.getByLabel('Early-stopping patience').fill('0');
      const text = await train(page, 8);
      assert.match(await page.getByTestId('train-status').innerText(), new RegExp(backend));
      losses[backend] = Number(
        /test split\s+accuracy[^\n]*\n(?:\S+\s+){4}([\d.]+)/.exec(text)?.[1]
      );
    }
    // Same seed, same data, same float32 arithmetic up to summation order: log loss agrees to 1e-4.
    for (const backend of ['wasm', 'webgpu']) {
      assert.ok(
        Math.abs(losses[backend] - losses.cpu) <= 1e-4 * Math.max(1, losses.cpu),
        `${backend} ${losses[backend]} vs cpu ${losses.cpu}`
      );
    }
    await page.close();
  });

  it('closing the tab mid-training registers nothing', async () => {
    const modelCount = async (page: Page) => {
      await page.getByRole('link', { name: 'Models', exact: true }).click();
      await page
        .locator('[data-testid="model-list"], [data-testid="models-empty"]')
        .first()
        .waitFor();
      return page.getByTestId('model-row').count();
    };
    const page = await openApp(app.session, app.server);
    const before = await modelCount(page);
    await page.getByRole('link', { name: 'Data', exact: true }).click();
    await buildPenguinFeatures(page);
    await page.getByTestId('backend-select').selectOption('cpu');
    await page.getByLabel('Early-stopping patience').fill('0');
    await page.getByTestId('epochs').fill('5000');
    await page.getByTestId('train').click();
    await page
      .getByTestId('train-status')
      .filter({ hasText: /epoch \d+ of 5000/ })
      .waitFor({ timeout: 60_000 });
    await page.close({ runBeforeUnload: false });

    const again = await openApp(app.session, app.server);
    assert.equal(await modelCount(again), before);
    assert.equal(await again.getByText(/cannot be read/).count(), 0);
    await again.close();
  });

  it('runs a grid search one run after another and lists the versions, sortable', async () => {
    const page = await openApp(app.session, app.server);
    await buildPenguinFeatures(page);
    await page.getByTestId('backend-select').selectOption('wasm');
    await page.getByTestId('epochs').fill('15');
    await page.getByText('Hyperparameter search').click();
    await page.getByTestId('search-lr').fill('0.01, 0.1');
    await page.getByTestId('search-l2').fill('0, 0.01');
    await page.getByTestId('search-start').click();
    await page
      .getByTestId('search-status')
      .filter({ hasText: 'Search finished: 4 of 4 runs saved.' })
      .waitFor({ timeout: 180_000 });
    const rows = page.getByTestId('search-row');
    assert.equal(await rows.count(), 4);
    await page.getByRole('button', { name: 'test', exact: true }).click();
    const header = page.getByRole('columnheader', { name: 'test' });
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    const scores = (await rows.allInnerTexts()).map((t) =>
      Number(/accuracy ([\d.]+)%\s+v\d+$/.exec(t.trim())?.[1])
    );
    assert.ok(
      scores.every((x) => Number.isFinite(x)),
      JSON.stringify(scores)
    );
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a)
    );
    await page.close();
  });

  it('stopping early keeps the best epoch so far as a model', async () => {
    const page = await openApp(app.session, app.server);
    await buildPenguinFeatures(page);
    await page.getByTestId('backend-select').selectOption('cpu');
    await page.getByLabel('Early-stopping patience').fill('0');
    await page.getByTestId('epochs').fill('5000');
    await page.getByTestId('train').click();
    await page
      .getByTestId('train-status')
      .filter({ hasText: /epoch \d+ of 5000/ })
      .waitFor({ timeout: 60_000 });
    await page.getByTestId('stop').click();
    const result = page.getByTestId('train-result');
    await result.waitFor({ timeout: 60_000 });
    assert.match(await result.innerText(), /stopped early; kept epoch \d+/);
    await page.close();
  });

  it('training the same settings twice reuses the version and says so; another seed is a new version', async () => {
    const modelRows = async (page: Page) => {
      await page.getByRole('link', { name: 'Models', exact: true }).click();
      await page
        .locator('[data-testid="model-list"], [data-testid="models-empty"]')
        .first()
        .waitFor();
      const count = await page.getByTestId('model-row').count();
      await page.getByRole('link', { name: 'Train', exact: true }).click();
      await page.getByTestId('train').waitFor();
      return count;
    };
    const page = await openApp(app.session, app.server);
    await buildPenguinFeatures(page);
    const seed = page.getByRole('group', { name: 'Training' }).getByLabel('Seed');
    const setUp = async (value: string) => {
      await page.getByTestId('backend-select').selectOption('wasm');
      await page.getByTestId('epochs').fill('6');
      await seed.fill(value);
    };
    await setUp('1234');
    const first = await train(page, 6);
    const version = Number(/Saved model version (\d+)/.exec(first)?.[1]);
    assert.ok(version >= 1, first);
    const rows = await modelRows(page);

    await setUp('1234');
    const second = await train(page, 6);
    assert.match(
      second,
      new RegExp(
        `^Identical to version ${version} “[^”]+” — reused; it was trained on wasm in [\\d.]+ m?s on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\. This run took [\\d.]+ m?s and gave the same model\\.`
      )
    );
    assert.equal(await modelRows(page), rows);

    await setUp('1235');
    assert.match(await train(page, 6), new RegExp(`Saved model version ${version + 1} `));
    await page.close();
  });

  it('measures the backends once in the background, remembers them, and starts auto runs on the fastest', async () => {
    const page = await openApp(app.session, app.server);
    await buildPenguinFeatures(page);
    // Measured on the first visit in this profile (a test above may have started it).
    const known = page.getByTestId('calibration');
    await known.waitFor({ timeout: 180_000 });
    const measured = await known.innerText();
    assert.match(measured, /^Fastest here: (wasm|cpu|webgpu) — measured \d{4}-\d\d-\d\d /);
    assert.match(measured, /webgpu/);

    // Another visit: remembered, not measured again.
    await page.reload();
    await page.getByTestId('train').waitFor();
    await known.waitFor({ timeout: 10_000 });
    assert.equal(await known.innerText(), measured);
    assert.equal(await page.getByTestId('calibration-progress').count(), 0);

    const fastest = /^Fastest here: (\w+)/.exec(measured)![1];
    await page.getByTestId('backend-select').selectOption('auto');
    await train(page, 3);
    assert.match(
      await page.getByTestId('train-status').innerText(),
      new RegExp(`${fastest} — fastest of [\\w, ]+ in the measurement of \\d{4}-`)
    );

    await page.getByTestId('remeasure').click();
    await page.getByTestId('calibration-progress').waitFor();
    await known.waitFor({ timeout: 180_000 });
    await page.close();
  });

  it('starts from the training defaults and says when early stopping ended a run', async () => {
    const page = await openApp(app.session, app.server);
    await carsStarterOnTrain(page);
    // TRAIN_DEFAULTS.epochs; the patience is left to its default, a tenth of the epochs.
    assert.equal(await page.getByTestId('epochs').inputValue(), '200');
    assert.equal(await page.getByLabel('Early-stopping patience').inputValue(), '');
    await page.getByTestId('backend-select').selectOption('wasm');
    await page.getByTestId('model-select').selectOption('mlp');
    await page.getByTestId('train').click();
    await page.getByTestId('train-result').waitFor({ timeout: 180_000 });
    const status = await page.getByTestId('train-status').innerText();
    const stopped =
      /Stopped early at epoch (\d+): validation loss did not improve for 20 epochs; kept epoch (\d+)\./.exec(
        status
      );
    assert.ok(stopped, status);
    assert.equal(Number(stopped[1]) - Number(stopped[2]), 20);
    assert.match(
      await page.getByTestId('train-result').innerText(),
      new RegExp(`early-stopped; best epoch ${stopped[2]}`)
    );
    await page.close();
  });

  it('the starter pipeline of a regression sample trains as it is, with residual charts', async () => {
    const page = await openApp(app.session, app.server);
    await carsStarterOnTrain(page);
    const text = await train(page, 30);
    assert.match(text, /RMSE/);
    await page.getByRole('link', { name: 'Models', exact: true }).click();
    await page
      .getByTestId('model-row')
      .filter({ hasText: 'regression' })
      .first()
      .getByRole('button')
      .click();
    await page.getByText('Predicted vs actual').first().waitFor();
    await page.getByText('Residuals').first().waitFor();
    await page.close();
  });
});
