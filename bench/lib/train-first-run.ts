/**
 * `train_first_run_overhead_ms`: in the built app in headless Chromium (with its software WebGPU
 * adapter, as a person on such a machine has), the time from clicking Train to the first epoch
 * being shown, with the backend measurement already remembered: everything a run does before
 * its first epoch (worker start, feature set load, backend choice and start-up) on a sample of
 * about 300 rows. The page is reloaded before each round: the train worker is then the one the
 * Train stage started to look up the remembered measurement, as on a person's visit.
 */
import type { Page } from 'playwright-core';
import { ensureBuild, withChromium } from './browser.ts';
import { serveStatic } from './server.ts';

export interface FirstRunResult {
  ms: number[];
  backend: string;
  reason: string;
  builtAt: string;
}

/**
 * Clicks Train and resolves with the milliseconds until the loss chart (drawn from the first
 * epoch's log) appears. A string, not a function: tsx would add helpers the page lacks.
 */
const CLICK_TO_FIRST_EPOCH = `new Promise((resolve) => {
  const shown = () => document.body.textContent.includes('Loss per epoch');
  const t0 = performance.now();
  const observer = new MutationObserver(() => {
    if (!shown()) return;
    observer.disconnect();
    resolve(performance.now() - t0);
  });
  observer.observe(document.body, { subtree: true, childList: true });
  document.querySelector('[data-testid="train"]').click();
})`;

async function toTrainStage(page: Page): Promise<void> {
  await page.getByTestId('sample-penguins').click();
  await page.getByTestId('dataset-view').waitFor({ timeout: 120_000 });
  await page.getByRole('link', { name: 'Features', exact: true }).click();
  await page.getByTestId('preview').waitFor({ timeout: 120_000 });
  await page.getByTestId('run-pipeline').click();
  await page.getByTestId('run-result').waitFor({ timeout: 120_000 });
  await page.getByRole('link', { name: 'Train', exact: true }).click();
  await page.getByTestId('train').waitFor();
}

export async function measureFirstRunOverhead(
  rootDir: string,
  rounds: number,
  rebuild = false
): Promise<FirstRunResult> {
  const { buildDir, builtAt } = ensureBuild(rootDir, rebuild);
  const server = await serveStatic(buildDir, 'index.html');
  try {
    return await withChromium(
      async (ctx) => {
        const page = ctx.pages()[0] ?? (await ctx.newPage());
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(server.url + '/');
        await toTrainStage(page);
        // The first visit measures the backends in the background; wait until it is remembered.
        await page.getByTestId('calibration').waitFor({ timeout: 600_000 });
        const ms: number[] = [];
        let status = '';
        for (let round = 0; round < rounds; round++) {
          await page.reload();
          await page.getByTestId('calibration').waitFor({ timeout: 30_000 });
          await page.getByTestId('epochs').fill('5');
          ms.push(await page.evaluate<number>(CLICK_TO_FIRST_EPOCH));
          status = await page.getByTestId('train-status').innerText();
          await page
            .getByTestId('train-result')
            .or(page.getByTestId('train-error'))
            .waitFor({ timeout: 120_000 });
        }
        if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
        const [, backend = '?', reason = status] = /(\w+) — (.*)$/.exec(status) ?? [];
        return { ms, backend, reason, builtAt };
      },
      { args: ['--enable-unsafe-webgpu'] }
    );
  } finally {
    await server.close();
  }
}
