/**
 * Batch predictions as the onnx worker runs them, on a real store (fake-indexeddb): a trained
 * version's ONNX file scores a saved dataset; the result equals the app's own path (apply, then
 * tfjs) on the same rows; the batch is logged whole; rows that do not fit the model's inputs
 * are refused before anything runs, naming the input and offering the close column names, and
 * run once the person maps them.
 */
import 'fake-indexeddb/auto';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as arrow from 'apache-arrow';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingestAndSave } from '../../src/lib/app/ingest';
import { predictDataset } from '../../src/lib/app/predict';
import type { TrainRequest } from '../../src/lib/app/requests';
import { trainAndRegister } from '../../src/lib/app/train';
import { tableToFrame } from '../../src/lib/core/features/convert';
import { applyPipeline } from '../../src/lib/core/features/pipeline';
import { featureMatrix } from '../../src/lib/core/models/data';
import { predict } from '../../src/lib/core/models/predict';
import { probabilityMatrix } from '../../src/lib/core/models/run';
import { unpackWeights } from '../../src/lib/core/models/weights';
import { argmaxRows } from '../../src/lib/core/evaluate/predict';
import { parseSpec } from '../../src/lib/core/pipeline/parse';
import { modelNetwork, type Store } from '../../src/lib/store';
import { PENGUINS_CSV, nodeEnvironment, penguinsWorkspace } from '../fixtures/app/penguins';

const opened: Store[] = [];
afterEach(() => opened.splice(0).forEach((s) => s.close()));
beforeAll(async () => {
  await tf.setBackend('cpu');
});

function request(featureSetId: string): TrainRequest {
  return {
    featureSetId,
    model: { type: 'logistic' },
    train: { epochs: 4, earlyStopping: false, seed: 1, backend: 'cpu' },
    keepBestOnCancel: false
  };
}

const env = { runtime: {} };

describe('predictDataset', () => {
  it("scores a dataset with a version's ONNX file as the app's own path does, and logs the batch", async () => {
    const w = await penguinsWorkspace('lathe-app-predict');
    opened.push(w.store);
    const { record } = await trainAndRegister(w.store, request(w.featureSet.id), nodeEnvironment());
    const result = await predictDataset(
      w.store,
      { modelId: record.id, datasetId: w.dataset.id },
      env
    );
    expect(result.rows).toBe(344);
    expect(result.model).toEqual({
      id: record.id,
      version: record.version,
      name: record.name,
      onnxHash: record.onnx!.hash
    });
    const table = arrow.tableFromIPC(result.table);
    const classes = record.classes!;
    expect(table.schema.fields.map((f) => f.name)).toEqual([
      ...w.dataset.schema.map((c) => c.name),
      'predicted',
      ...classes.map((c) => `P(${c})`)
    ]);

    // The app's own path on the same raw rows: apply (as an exported model computes), then tfjs.
    const raw = tableToFrame(arrow.tableFromIPC(await w.store.loadDatasetBytes(w.dataset.id)));
    const spec = parseSpec(record.spec);
    const applied = await applyPipeline(raw, spec, w.featureSet.states as never, {
      inference: true
    });
    const { bytes: weights } = await w.store.loadModelWeights(record.id);
    const app = probabilityMatrix(
      await predict(
        { network: modelNetwork(record), weights: unpackWeights(weights, record.manifest) },
        featureMatrix(applied.frame, record.featureNames)
      ),
      raw.rows,
      classes.length
    );
    const labels = table.getChild('predicted')!.toArray() as string[];
    const expectedLabels = Array.from(argmaxRows(app, raw.rows, classes.length), (c) => classes[c]);
    expect(Array.from(labels)).toEqual(expectedLabels);
    let worst = 0;
    classes.forEach((c, j) => {
      const p = table.getChild(`P(${c})`)!.toArray() as Float64Array;
      for (let i = 0; i < raw.rows; i++) worst = Math.max(worst, Math.abs(p[i] - app[i * 3 + j]));
    });
    expect(worst).toBeLessThanOrEqual(1e-5);

    // Logged whole: one batch, every row, its source and the model that ran.
    expect(result.logProblem).toBeNull();
    const batches = await w.store.listPredictionBatches({ modelId: record.id });
    expect(batches).toHaveLength(1);
    const batch = batches[0] as Exclude<(typeof batches)[number], { unreadable: unknown }>;
    expect(batch).toMatchObject({
      id: result.logged!.batchId,
      rows: 344,
      modelVersion: record.version,
      onnxHash: record.onnx!.hash,
      source: { kind: 'batch', sourceHash: w.dataset.sourceHash ?? w.dataset.hash }
    });
    const log = arrow.tableFromIPC(await w.store.loadPredictionBatch(batch.id));
    expect(log.numRows).toBe(344);
    expect(Array.from(log.getChild('predicted')!.toArray() as string[])).toEqual(expectedLabels);
  });

  it('refuses rows that do not fit the inputs before running, naming the input, and runs them once mapped', async () => {
    const w = await penguinsWorkspace('lathe-app-predict-mapping');
    opened.push(w.store);
    const { record } = await trainAndRegister(w.store, request(w.featureSet.id), nodeEnvironment());
    const renamed = new TextDecoder()
      .decode(PENGUINS_CSV)
      .replace(/^Species,Island,/, 'Species,island name,');
    const other = await ingestAndSave(w.store, {
      input: { kind: 'file', file: new Blob([renamed]), fileName: 'renamed.csv' }
    });
    const refused = await predictDataset(
      w.store,
      { modelId: record.id, datasetId: other.record.id },
      env
    ).catch((e: unknown) => e as { code: string; message: string; details: { check: never } });
    expect(refused).toMatchObject({ code: 'PREDICT_INPUTS' });
    expect((refused as { message: string }).message).toMatch(/"Island"/);
    expect((refused as { message: string }).message).toMatch(/Closest columns: "island name"/);
    expect(await w.store.listPredictionBatches()).toHaveLength(0);

    const mapped = await predictDataset(
      w.store,
      { modelId: record.id, datasetId: other.record.id, mapping: { Island: 'island name' } },
      env
    );
    expect(mapped.rows).toBe(344);
    expect(mapped.logged).not.toBeNull();
  });

  it('says when a version has no ONNX file, with the reason it has none', async () => {
    const w = await penguinsWorkspace('lathe-app-predict-no-file');
    opened.push(w.store);
    await w.store.deleteDataset(w.dataset.id);
    const { record } = await trainAndRegister(w.store, request(w.featureSet.id), nodeEnvironment());
    const again = await ingestAndSave(w.store, {
      input: { kind: 'file', file: new Blob([PENGUINS_CSV]), fileName: 'penguins.csv' }
    });
    await expect(
      predictDataset(w.store, { modelId: record.id, datasetId: again.record.id }, env)
    ).rejects.toMatchObject({
      code: 'NO_ONNX_FILE',
      message: expect.stringMatching(/has no ONNX file to predict with: The dataset .* was deleted/)
    });
  });
});
