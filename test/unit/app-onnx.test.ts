/**
 * The export as training and the Models stage run it, on a real store (fake-indexeddb): every
 * trained version carries its checked ONNX file and metrics computed from it; a pipeline that
 * cannot be lowered still saves its model, saying why it has no file; a version saved without
 * a file gets one on demand, the same as training would have made.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFeatureSet, DatasetFrames } from '../../src/lib/app/features';
import { exportSavedModel } from '../../src/lib/app/onnx';
import type { TrainRequest } from '../../src/lib/app/requests';
import { trainAndRegister, type TrainEvent } from '../../src/lib/app/train';
import { readOnnx } from '../../src/lib/core/onnx/read';
import { createSession, runSession } from '../../src/lib/core/onnx/runtime';
import type { Store } from '../../src/lib/store';
import {
  NUMERIC,
  PENGUINS_CSV,
  nodeEnvironment,
  penguinsWorkspace
} from '../fixtures/app/penguins';
import { ingestAndSave } from '../../src/lib/app/ingest';
import { rawKeys } from '../fixtures/store/raw';

const opened: Store[] = [];

afterEach(() => opened.splice(0).forEach((s) => s.close()));

function request(featureSetId: string): TrainRequest {
  return {
    featureSetId,
    model: { type: 'logistic' },
    train: { epochs: 4, earlyStopping: false, seed: 1, backend: 'wasm' },
    keepBestOnCancel: false
  };
}

describe('ONNX export in the training path', () => {
  it('saves a checked file over the raw columns with each trained version, scored from its run', async () => {
    const w = await penguinsWorkspace('lathe-app-onnx-saved');
    opened.push(w.store);
    const { record } = await trainAndRegister(w.store, request(w.featureSet.id), nodeEnvironment());
    expect(record.onnx).toBeDefined();
    expect(record.onnxRefused).toBeUndefined();
    for (const split of ['validation', 'test']) {
      const check = record.onnx!.checks[split];
      expect(check.rows).toBeGreaterThan(40);
      expect(check.worst).toBeLessThanOrEqual(1e-5);
      expect(check.labelMismatches).toBe(0);
      // The registry's metrics are those of the ONNX run on the same rows.
      expect((record.metrics[split] as { rows: number }).rows).toBe(check.rows);
    }
    const { bytes } = await w.store.loadModelOnnx(record.id);
    const summary = readOnnx(bytes!);
    expect(summary.modelVersion).toBe(record.version);
    expect(summary.inputs.map((i) => [i.name, i.elementType])).toEqual([
      ...NUMERIC.map((n) => [n, 'double']),
      ['Sex', 'string'],
      ['Island', 'string']
    ]);
    const metadata = summary.metadata!;
    expect(metadata.hashes).toEqual({
      dataset: w.dataset.hash,
      featureSet: w.featureSet.id,
      spec: w.featureSet.specHash,
      model: record.id
    });
    expect(metadata.metrics.test.accuracy).toBe(
      (record.metrics.test as { accuracy: number }).accuracy
    );
    expect(metadata.inputs.find((i) => i.name === 'Island')!.categories).toEqual([
      'Biscoe',
      'Dream',
      'Torgersen'
    ]);

    // Missing values as the metadata says to send them: NaN and "".
    const session = await createSession(bytes!);
    const out = await runSession(session, {
      'Beak Length (mm)': { data: Float64Array.of(NaN), dims: [1, 1] },
      'Beak Depth (mm)': { data: Float64Array.of(18), dims: [1, 1] },
      'Flipper Length (mm)': { data: Float64Array.of(190), dims: [1, 1] },
      'Body Mass (g)': { data: Float64Array.of(3700), dims: [1, 1] },
      Sex: { data: [''], dims: [1, 1] },
      Island: { data: ['Torgersen'], dims: [1, 1] }
    });
    await session.release();
    expect(out.label.data).toEqual(['Adelie']);
  });

  it('saves a model whose pipeline cannot be lowered without a file, naming the step, the formula and the function', async () => {
    const w = await penguinsWorkspace('lathe-app-onnx-refused');
    opened.push(w.store);
    const spec = {
      ...w.spec,
      steps: [
        { type: 'derive', name: 'island_code', expr: 'upper(Island)' },
        ...w.spec.steps.map((s) =>
          s.type === 'onehot' ? { ...s, columns: ['island_code', 'Sex'] } : s
        ),
        { type: 'drop', columns: ['Island'] }
      ]
    };
    const { record: featureSet } = await buildFeatureSet(w.store, new DatasetFrames(), {
      datasetId: w.dataset.id,
      spec
    });
    const events: TrainEvent[] = [];
    const { record } = await trainAndRegister(w.store, request(featureSet.id), nodeEnvironment(), {
      onEvent: (e) => events.push(e)
    });
    expect(record.onnx).toBeUndefined();
    expect(record.onnxRefused?.code).toBe('ONNX_NOT_LOWERABLE');
    expect(record.onnxRefused?.message).toMatch(/Step 1 \(derive\)/);
    expect(record.onnxRefused?.message).toMatch(/upper\(Island\)/);
    expect(record.onnxRefused?.message).toMatch(/"?upper"?/);
    // Still scored (by tfjs) and told.
    expect((record.metrics.test as { accuracy: number }).accuracy).toBeGreaterThan(0.5);
    expect(events).toContainEqual({
      type: 'status',
      message: `Saved without an ONNX file: ${record.onnxRefused!.message}`
    });
    await expect(
      exportSavedModel(w.store, { modelId: record.id }, nodeEnvironment().onnx)
    ).rejects.toMatchObject({ code: 'ONNX_NOT_LOWERABLE' });
  });

  it('saves a model without a file when its dataset was deleted, and exports it once the file is back', async () => {
    const w = await penguinsWorkspace('lathe-app-onnx-no-dataset');
    opened.push(w.store);
    await w.store.deleteDataset(w.dataset.id);
    const { record } = await trainAndRegister(w.store, request(w.featureSet.id), nodeEnvironment());
    expect(record.onnx).toBeUndefined();
    expect(record.onnxRefused).toEqual({
      code: 'ONNX_NO_RAW_ROWS',
      message: `The dataset "${w.featureSet.datasetName}" was deleted, and an ONNX file is only exported after it is checked on the dataset's raw rows. Import the same file again, then export the model.`
    });
    await ingestAndSave(w.store, {
      input: { kind: 'file', file: new Blob([PENGUINS_CSV]), fileName: 'penguins.csv' }
    });
    const env = { ...nodeEnvironment().onnx, wasmPath: nodeEnvironment().wasmPath };
    const exported = await exportSavedModel(w.store, { modelId: record.id }, env);
    expect(exported.onnx!.checks.test.labelMismatches).toBe(0);
    expect(exported.onnxRefused).toBeUndefined();
  });

  it('exports a version saved without a file on demand: the same file training makes', async () => {
    const w = await penguinsWorkspace('lathe-app-onnx-later');
    opened.push(w.store);
    const { record: trained } = await trainAndRegister(
      w.store,
      request(w.featureSet.id),
      nodeEnvironment()
    );
    const { bytes: weights } = await w.store.loadModelWeights(trained.id);
    const {
      id: _id,
      version: _version,
      weightsHash: _hash,
      weightsBytes: _bytes,
      createdAt: _created,
      onnx: _onnx,
      ...meta
    } = trained;
    // The same weights saved as an older version would be: no file, another seed (another id).
    const older = await w.store.saveModel(weights, { ...meta, seed: meta.seed + 1, metrics: {} });
    expect(older.onnx).toBeUndefined();
    const env = { ...nodeEnvironment().onnx, wasmPath: nodeEnvironment().wasmPath };
    const exported = await exportSavedModel(w.store, { modelId: older.id }, env);
    expect(exported.onnx!.checks).toEqual(trained.onnx!.checks);
    expect(exported.metrics).toEqual(trained.metrics);
    const [a, b] = await Promise.all([
      w.store.loadModelOnnx(trained.id),
      w.store.loadModelOnnx(older.id)
    ]);
    // Same graph; the files differ only in what names the version.
    const first = readOnnx(a.bytes!);
    const second = readOnnx(b.bytes!);
    expect(second.operators).toEqual(first.operators);
    expect(second.modelVersion).toBe(older.version);
    expect(second.metadata!.hashes.model).toBe(older.id);
    // Deleting a version removes its file, and only its own.
    expect(await rawKeys(w.factory, 'lathe-app-onnx-later', 'blobs')).toContain(
      older.onnx?.hash ?? exported.onnx!.hash
    );
    await w.store.deleteModel(older.id);
    const left = await rawKeys(w.factory, 'lathe-app-onnx-later', 'blobs');
    expect(left).not.toContain(exported.onnx!.hash);
    expect(left).toContain(trained.onnx!.hash);
  });
});
