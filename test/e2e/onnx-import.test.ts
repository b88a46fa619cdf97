import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { assertNoSeriousViolations } from './axe';
import { openApp, useApp } from './harness';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/onnx-import');

async function openModels(page: Page) {
  await page.getByRole('link', { name: 'Models', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Models', exact: true }).waitFor();
}

/** Picks a file in the Import ONNX control and waits for the import to end. */
async function importFile(page: Page, file: string | { name: string; buffer: Buffer }) {
  const input = page.getByTestId('onnx-file-input');
  await input.setInputFiles(
    typeof file === 'string'
      ? file
      : { name: file.name, mimeType: 'application/octet-stream', buffer: file.buffer }
  );
  await page
    .locator('[data-testid="import-onnx-result"], [data-testid="import-onnx-error"]')
    .waitFor({ timeout: 60_000 });
}

const rows = (page: Page) => page.getByTestId('model-row');

describe('Importing ONNX files into the registry in Chromium', () => {
  const app = useApp();

  it('adds a model made elsewhere and a Lathe export, shows them, aliases one, refuses bad files', async () => {
    const page = await openApp(app.session, app.server);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await openModels(page);
    await page.getByTestId('models-empty').waitFor();
    await assertNoSeriousViolations(page, 'Models (empty, import offered)');

    // Keyboard: the Import ONNX… button is reachable and labelled.
    const button = page.getByRole('button', { name: 'Import ONNX…' });
    await button.focus();
    assert.equal(await button.evaluate((el) => el === document.activeElement), true);

    // A classifier made by python-onnx's helper API.
    await importFile(page, join(FIXTURES, 'elsewhere-classifier.onnx'));
    assert.match(
      await page.getByTestId('import-onnx-result').innerText(),
      /Imported “elsewhere-classifier\.onnx” as v1 “elsewhere-classifier”\./
    );
    const detail = page.getByTestId('model-detail');
    await detail.getByRole('heading', { name: 'v1 · elsewhere-classifier' }).waitFor();
    assert.equal(await rows(page).count(), 1);
    assert.match(await rows(page).first().innerText(), /imported ONNX · task not stated/);
    const inputs = await detail.getByTestId('onnx-inputs').innerText();
    assert.match(inputs, /measurements\s+float\s+\[N, 3\]/);
    assert.match(inputs, /colour\s+string\s+\[N, 1\]/);
    const outputs = await detail.getByTestId('onnx-outputs').innerText();
    assert.match(outputs, /label\s+string\s+\[N\]\s+read/);
    assert.match(outputs, /probabilities\s+float\s+\[N, 3\]\s+read/);
    assert.match(await detail.innerText(), /Operators: 8 kinds, 8 nodes/);
    assert.match(await detail.getByTestId('onnx-facts').innerText(), /python-onnx helper 1\.12/);
    assert.match(await detail.getByTestId('onnx-lineage').innerText(), /None in this registry/);
    // HTML in the file's texts is shown as text, never run or rendered.
    assert.equal(
      await detail.getByTestId('onnx-doc').innerText(),
      'An <b>iris-like</b> classifier <script>alert("doc")</script>'
    );
    const metadata = detail.getByTestId('onnx-metadata');
    assert.match(await metadata.innerText(), /<img src="x" onerror="alert\(1\)">Ada & co/);
    assert.equal(await detail.locator('script, img, b, em').count(), 0);
    await assertNoSeriousViolations(page, 'Models (an imported version open)');

    // An alias can point at it.
    await page.getByLabel('Alias').fill('candidate');
    await page.getByTestId('set-alias').click();
    await page
      .getByRole('list', { name: 'Aliases' })
      .getByText(/candidate → v1/)
      .waitFor();

    // The stored file downloads unchanged.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      detail.getByTestId('onnx-download').click()
    ]);
    assert.equal(download.suggestedFilename(), 'elsewhere-classifier-v1.onnx');
    assert.deepEqual(
      readFileSync(await download.path()),
      readFileSync(join(FIXTURES, 'elsewhere-classifier.onnx'))
    );

    // A Lathe export: its Lathe metadata is shown.
    await importFile(page, join(FIXTURES, 'lathe-penguins-logistic.onnx'));
    await detail.getByRole('heading', { name: 'v2 · lathe-penguins-logistic' }).waitFor();
    const lathe = await detail.getByTestId('onnx-lathe').innerText();
    assert.match(lathe, /multiclass, predicting\s+\S+/);
    assert.match(lathe, /Adelie, Chinstrap, Gentoo/);
    assert.match(await detail.getByTestId('onnx-input-schema').innerText(), /column\s+type/);
    assert.match(await rows(page).first().innerText(), /imported ONNX · multiclass/);

    // A skl2onnx-style classifier with ZipMap: imported, and the left-out output said plainly.
    await importFile(page, join(FIXTURES, 'zipmap-classifier.onnx'));
    assert.match(
      await page.getByTestId('import-onnx-result').innerText(),
      /Output "output_probability" is a sequence .* not a tensor, .* predictions use "output_label" only\./
    );
    assert.match(
      await detail.getByTestId('onnx-outputs').innerText(),
      /output_probability\s+sequence\s+—\s+left out/
    );
    assert.equal(await rows(page).count(), 3);

    // Bad files: a clear message naming the file, and nothing saved.
    const good = readFileSync(join(FIXTURES, 'elsewhere-classifier.onnx'));
    const cases: [{ name: string; buffer: Buffer } | string, RegExp][] = [
      [
        { name: 'broken.onnx', buffer: good.subarray(0, good.length - 9) },
        /^"broken\.onnx" \(at byte [\d,]+ of [\d,]+\) is not a readable ONNX model/
      ],
      [
        join(FIXTURES, 'unsupported-operator.onnx'),
        /^"unsupported-operator\.onnx" uses the operator Rfft \(com\.microsoft opset 1, node "spectrum"\)/
      ],
      [
        join(FIXTURES, 'opset-too-new.onnx'),
        /^"opset-too-new\.onnx" uses opset 27 of ai\.onnx; onnxruntime-web runs up to opset 26\./
      ]
    ];
    // A 2 GB file, sparse on disk: refused by its size before a byte is read.
    const dir = mkdtempSync(join(tmpdir(), 'lathe-huge-'));
    const huge = join(dir, 'huge.onnx');
    writeFileSync(huge, '');
    truncateSync(huge, 2 * 1024 ** 3);
    cases.push([
      huge,
      /^"huge\.onnx" is 2,048 MB; models up to 512 MB can be read in the browser\.$/
    ]);
    try {
      for (const [file, message] of cases) {
        await importFile(page, file);
        const error = page.getByTestId('import-onnx-error');
        assert.match(await error.innerText(), message);
        assert.equal(await error.getAttribute('role'), 'alert');
        assert.equal(await rows(page).count(), 3, `nothing saved for ${String(message)}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Models', exact: true }).waitFor();
    await rows(page).nth(2).waitFor();
    assert.equal(await rows(page).count(), 3, 'after a reload, still the three imported versions');
    await assertNoSeriousViolations(page, 'Models (after refusals)');
    assert.deepEqual(dialogs, [], 'no script from a file ran');
    await page.close();
  });
});
