import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { LatheError } from '../../src/lib/core/base/errors';
import { packWeights, unpackWeights } from '../../src/lib/core/models/weights';
import { openStore, type ModelRecord, type Store } from '../../src/lib/store';

const opened: Store[] = [];
afterEach(() => opened.splice(0).forEach((store) => store.close()));

async function freshStore() {
  const store = await openStore({ factory: new IDBFactory(), name: 'lathe-models-test' });
  opened.push(store);
  return store;
}

const hex = (n: number) => n.toString(16).padStart(64, '0');

function trained(seed: number) {
  const weights = [
    { name: 'layer0/kernel', shape: [2, 1], values: Float32Array.from([seed, -seed / 2]) },
    { name: 'layer0/bias', shape: [1], values: Float32Array.from([0.25]) }
  ];
  const { bytes, manifest } = packWeights(weights);
  const meta: Omit<ModelRecord, 'id' | 'version' | 'weightsHash' | 'weightsBytes' | 'createdAt'> = {
    name: `logistic ${seed}`,
    featureSetId: hex(1),
    datasetHash: hex(2),
    specHash: hex(3),
    spec: { version: 1 },
    modelType: 'logistic',
    task: 'binary',
    classes: ['no', 'yes'],
    featureNames: ['a', 'b'],
    manifest,
    network: { layers: [] },
    status: 'completed',
    bestEpoch: 3,
    history: [{ epoch: 1, loss: 0.6 }],
    backend: { name: 'cpu' },
    seed,
    durationMs: 120,
    metrics: { test: { accuracy: 0.9 } },
    notes: ''
  };
  return { weights, bytes, meta };
}

async function rejection(promise: Promise<unknown>): Promise<LatheError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(LatheError);
  return error as LatheError;
}

describe('model registry store', () => {
  it('packs weights losslessly and numbers versions in saving order', async () => {
    const store = await freshStore();
    const a = trained(1);
    const first = await store.saveModel(a.bytes, a.meta);
    const second = await store.saveModel(trained(2).bytes, trained(2).meta);
    expect([first.version, second.version]).toEqual([1, 2]);
    expect((await store.saveModel(a.bytes, a.meta)).id).toBe(first.id);
    const { record, bytes } = await store.loadModelWeights(first.id);
    expect(record.name).toBe('logistic 1');
    expect(unpackWeights(bytes, record.manifest)).toEqual(a.weights);
    expect((await store.listModels()).map((m) => m.id)).toEqual([second.id, first.id]);
  });

  it('moves aliases, rolls them back, and refuses to delete a model an alias points at', async () => {
    const store = await freshStore();
    const v1 = await store.saveModel(trained(1).bytes, trained(1).meta);
    const v2 = await store.saveModel(trained(2).bytes, trained(2).meta);
    await store.setAlias('production', v1.id);
    const moved = await store.setAlias('production', v2.id);
    expect(moved.modelId).toBe(v2.id);
    expect(moved.history.map((h) => h.modelId)).toEqual([v1.id]);
    const error = await rejection(store.deleteModel(v2.id));
    expect(error.code).toBe('MODEL_IN_USE');
    expect(error.message).toMatch(/"production"/);
    expect((await store.listModels()).length).toBe(2);

    const back = await store.rollbackAlias('production');
    expect(back.modelId).toBe(v1.id);
    expect((await rejection(store.rollbackAlias('production'))).code).toBe('NOTHING_TO_ROLL_BACK');
    await store.deleteModel(v2.id);
    expect((await store.listModels()).map((m) => m.id)).toEqual([v1.id]);
    expect((await rejection(store.setAlias('Prod!', v1.id))).code).toBe('INVALID_ALIAS');
    expect((await rejection(store.setAlias('candidate', hex(9)))).code).toBe('MODEL_NOT_FOUND');
  });

  it('keeps notes and names, validated', async () => {
    const store = await freshStore();
    const v1 = await store.saveModel(trained(1).bytes, trained(1).meta);
    await store.updateModel(v1.id, { name: 'baseline', notes: 'first try' });
    const [record] = await store.listModels();
    expect(record).toMatchObject({ name: 'baseline', notes: 'first try' });
    expect((await rejection(store.updateModel(v1.id, { name: '  ' }))).code).toBe('INVALID_NAME');
  });
});
