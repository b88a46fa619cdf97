/**
 * The ONNX export as a person meets it: a model trained in the browser comes with its checked
 * file; the Models stage shows the checks and the input schema, downloads `<name>-v<N>.onnx`
 * (from the version and from an alias) and its model card; the file runs elsewhere
 * (onnxruntime-web in node here) on raw values and agrees with the card.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Download, Page } from 'playwright-core';
import { readOnnx } from '../../src/lib/core/onnx/read';
import { createSession, runSession } from '../../src/lib/core/onnx/runtime';
import { assertNoSeriousViolations } from './axe';
import { openApp, starterOnTrain, useApp } from './harness';

async function download(page: Page, click: () => Promise<void>): Promise<Download> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return file;
}

async function bytesOf(file: Download): Promise<Uint8Array> {
  return new Uint8Array(readFileSync((await file.path())!));
}

describe('ONNX export in Chromium', () => {
  const app = useApp();

  it('exports every trained version as one checked file with its model card, also from an alias', async () => {
    const page = await openApp(app.session, app.server);
    await starterOnTrain(page, 'penguins');
    await page.getByTestId('epochs').fill('5');
    await page.getByTestId('train').click();
    await page.getByTestId('train-result').waitFor({ timeout: 180_000 });

    await page.getByRole('link', { name: 'Models', exact: true }).click();
    await page.getByTestId('model-row').first().getByRole('button').click();
    const section = page.getByTestId('onnx-export');
    await section.getByTestId('onnx-inputs').waitFor({ timeout: 30_000 });
    const checks = await section.getByTestId('onnx-checks').innerText();
    assert.match(checks, /Checked on \d+ validation rows .* probability .* every label equal/);
    assert.match(checks, /Checked on \d+ test rows .* every label equal/);
    const inputs = await section.getByTestId('onnx-inputs').innerText();
    assert.match(inputs, /Island\s+categorical\s+string\s+Biscoe, Dream, Torgersen/);
    assert.match(inputs, /Beak Length \(mm\)\s+float\s+double/);
    assert.doesNotMatch(inputs, /Species/, 'the target is not an input');
    await assertNoSeriousViolations(page, 'Models (ONNX export)');

    const file = await download(page, () => section.getByTestId('download-onnx').click());
    assert.match(file.suggestedFilename(), /-v1\.onnx$/);
    const bytes = await bytesOf(file);
    const summary = readOnnx(bytes);
    assert.equal(summary.producerName, 'lathe');
    assert.equal(summary.modelVersion, 1);
    assert.deepEqual(
      summary.outputs.map((o) => o.name),
      ['label', 'probabilities']
    );
    const metadata = summary.metadata!;
    assert.equal(metadata.target, 'Species');
    assert.deepEqual(metadata.classes, ['Adelie', 'Chinstrap', 'Gentoo']);

    // One raw row, as a person would type it: a Gentoo's measurements.
    const row: Record<string, string | number> = {
      Island: 'Biscoe',
      'Beak Length (mm)': 47.5,
      'Beak Depth (mm)': 15,
      'Flipper Length (mm)': 218,
      'Body Mass (g)': 4950,
      Sex: 'MALE'
    };
    const feeds = Object.fromEntries(
      summary.inputs.map((input) => {
        const value = row[input.name];
        return [
          input.name,
          typeof value === 'number'
            ? { data: Float64Array.of(value), dims: [1, 1] }
            : { data: [value], dims: [1, 1] }
        ];
      })
    );
    const session = await createSession(bytes);
    const out = await runSession(session, feeds);
    await session.release();
    const p = out.probabilities.data as Float32Array;
    assert.ok(Math.abs(p[0] + p[1] + p[2] - 1) < 1e-5);
    assert.equal((out.label.data as string[])[0], 'Gentoo');

    const card = await download(page, () => section.getByTestId('download-card').click());
    assert.match(card.suggestedFilename(), /-v1\.json$/);
    const json = JSON.parse(Buffer.from(await bytesOf(card)).toString('utf8'));
    assert.equal(json.format, 'lathe-model-card');
    assert.equal(json.file.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(json.file.bytes, bytes.byteLength);
    assert.deepEqual(json.metadata, metadata);

    await page.getByTestId('set-alias').click();
    await page.getByText(/production\s*→ v1/).waitFor();
    const viaAlias = await download(page, () => page.getByTestId('alias-onnx').click());
    assert.equal(viaAlias.suggestedFilename(), file.suggestedFilename());
    assert.deepEqual(await bytesOf(viaAlias), bytes);
    await page.close();
  });
});
