import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertNoSeriousViolations } from './axe';
import { openApp, useApp } from './harness';

async function stage(page: Page, name: string) {
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
}

/** Tab presses from the top of a freshly loaded page until `target` has focus. */
async function tabsUntil(page: Page, isTarget: () => boolean, limit = 300): Promise<number> {
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(isTarget)) return presses;
  }
  return Infinity;
}

describe('Keyboard and screen-reader paths in Chromium', () => {
  const app = useApp();

  it('axe-core finds no serious or critical violation on any stage, empty or populated', async () => {
    const page = await openApp(app.session, app.server);
    await page.getByTestId('datasets-empty').waitFor();
    await assertNoSeriousViolations(page, 'Data (empty)');
    await stage(page, 'Features');
    await assertNoSeriousViolations(page, 'Features (empty)');
    await stage(page, 'Train');
    await assertNoSeriousViolations(page, 'Train (empty)');
    await stage(page, 'Models');
    await page.getByTestId('models-empty').waitFor();
    await assertNoSeriousViolations(page, 'Models (empty)');

    await stage(page, 'Data');
    await page.getByTestId('sample-penguins').click();
    await page.getByTestId('dataset-view').getByTestId('profile').waitFor({ timeout: 60_000 });
    await assertNoSeriousViolations(page, 'Data (profile)');
    await page.getByRole('tab', { name: 'Table' }).click();
    await page.getByTestId('data-table').getByRole('gridcell').first().waitFor();
    await assertNoSeriousViolations(page, 'Data (table)');
    await page.getByRole('tab', { name: /Import report/ }).click();
    await assertNoSeriousViolations(page, 'Data (import report)');

    await stage(page, 'Features');
    await page
      .getByTestId('preview-status')
      .filter({ hasText: /Updated in/ })
      .waitFor({ timeout: 30_000 });
    await assertNoSeriousViolations(page, 'Features (pipeline and preview)');
    await page.getByTestId('run-pipeline').click();
    await page.getByTestId('run-result').waitFor({ timeout: 60_000 });
    await assertNoSeriousViolations(page, 'Features (built)');

    await stage(page, 'Train');
    await page.getByTestId('train').waitFor();
    await assertNoSeriousViolations(page, 'Train (ready)');
    await page.getByTestId('backend-select').selectOption('wasm');
    await page.getByTestId('epochs').fill('5');
    await page.getByTestId('train').click();
    await page.getByTestId('train-result').waitFor({ timeout: 180_000 });
    await assertNoSeriousViolations(page, 'Train (trained)');

    await stage(page, 'Models');
    await page.getByTestId('model-row').first().getByRole('button').click();
    await page.getByTestId('model-detail').waitFor();
    await assertNoSeriousViolations(page, 'Models (a version open)');
    await page.getByTestId('importance').click();
    await page
      .getByText(/Permutation importance/)
      .first()
      .waitFor({ timeout: 60_000 });
    await assertNoSeriousViolations(page, 'Models (feature importance)');
    await page.close();
  });

  it('offers a skip link and moves focus to the stage heading on navigation', async () => {
    const page = await openApp(app.session, app.server);
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => document.activeElement?.textContent?.trim());
    assert.equal(skip, 'Skip to main content');
    await page.keyboard.press('Enter');
    assert.equal(
      await page.evaluate(() => document.activeElement?.closest('main') !== null),
      true,
      'Enter on the skip link puts focus inside main'
    );

    for (const name of ['Features', 'Train', 'Models', 'Data']) {
      await page
        .getByRole('navigation', { name: 'Pipeline stages' })
        .getByRole('link', { name, exact: true })
        .focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
      await page.waitForFunction(
        (n) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === n,
        name,
        { timeout: 5000 }
      );
    }
    await page.close();
  });

  it('reaches "Build feature set" in few Tab presses: a column picker is one stop', async () => {
    const page = await openApp(app.session, app.server);
    await stage(page, 'Features');
    await page.getByTestId('preview').waitFor({ timeout: 60_000 });
    await page.reload();
    await page.getByTestId('preview').waitFor({ timeout: 60_000 });
    const presses = await tabsUntil(
      page,
      () => (document.activeElement as HTMLElement | null)?.dataset.testid === 'run-pipeline'
    );
    console.log(`Tab presses from page start to "Build feature set": ${presses}`);
    assert.ok(presses <= 45, `${presses} Tab presses`);

    // Inside a picker: arrows move, Space toggles, Tab leaves.
    const picker = page.getByTestId('step-card').first().getByRole('group').first();
    const boxes = picker.getByRole('checkbox');
    const first = boxes.first();
    await first.focus();
    const before = await first.isChecked();
    await page.keyboard.press('ArrowDown');
    assert.equal(await boxes.nth(1).evaluate((el) => el === document.activeElement), true);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Space');
    assert.equal(await first.isChecked(), !before);
    await page.keyboard.press('Space');
    assert.equal(await first.isChecked(), before);
    await page.keyboard.press('End');
    assert.equal(await boxes.last().evaluate((el) => el === document.activeElement), true);
    const tabbable = await boxes.evaluateAll(
      (els) => els.filter((e) => (e as HTMLElement).tabIndex >= 0).length
    );
    assert.equal(tabbable, 1, 'one checkbox of the group is in the Tab order');
    await page.close();
  });

  it('the file picker is reached through a visible, focused button, and tables scroll by keyboard', async () => {
    const page = await openApp(app.session, app.server);
    await page.getByTestId('datasets-empty').or(page.getByTestId('dataset-list')).waitFor();
    // Tab through the whole Data page: the hidden input is never a stop.
    const stops: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      stops.push(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return el
            ? `${el.tagName}:${el.getAttribute('type') ?? ''}:${el.textContent?.trim() ?? ''}`
            : '';
        })
      );
    }
    assert.ok(!stops.some((s) => s.startsWith('INPUT:file')), stops.join('\n'));
    const choose = page.getByRole('button', { name: 'choose a file' });
    // Listening first makes Playwright intercept file choosers before Enter is pressed: started
    // together with the key press, the interception could come too late and the event never fire.
    const chooserOpened = page.waitForEvent('filechooser');
    await choose.focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const outline = await choose.evaluate((el) => getComputedStyle(el).outlineStyle);
    assert.notEqual(outline, 'none', 'the focused button shows a focus ring');
    await page.keyboard.press('Enter');
    const chooser = await chooserOpened;
    assert.ok(chooser, 'Enter on the button opens the file chooser');

    await page.getByTestId('sample-penguins').click();
    await page.getByTestId('dataset-view').waitFor({ timeout: 60_000 });
    await stage(page, 'Features');
    const region = page.getByRole('region', { name: /table/i }).first();
    await region.waitFor({ timeout: 30_000 });
    assert.equal(await region.getAttribute('tabindex'), '0');
    await region.focus();
    const scrolled = await region.evaluate(async (el) => {
      el.scrollLeft = 0;
      return el.scrollWidth > el.clientWidth;
    });
    if (scrolled) {
      await page.keyboard.press('ArrowRight');
      await page.waitForTimeout(200);
      assert.ok((await region.evaluate((el) => el.scrollLeft)) > 0, 'arrow keys scroll it');
    }
    await page.close();
  });
});
