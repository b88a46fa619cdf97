import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { LatheError } from '../../src/lib/core/base/errors';
import { packWeights, unpackWeights } from '../../src/lib/core/models/weights';
import {
  importedMetadata,
  modelTask,
  openStore,
  type ImportedModelMeta,
  type ModelMeta,
  type Store
} from '../../src/lib/store';

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
  const meta: ModelMeta = {
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

/** What the import records of a file (app/import-onnx.ts fills it from the file). */
function importedMeta(name: string, props: { key: string; value: string }[] = []) {
  const meta: ImportedModelMeta = {
    name,
    fileName: `${name}.onnx`,
    graph: {
      irVersion: 8,
      opsets: [{ domain: '', version: 17 }],
      producerName: 'skl2onnx',
      producerVersion: '1.16',
      modelVersion: 0,
      docString: '',
      graphName: 'g',
      inputs: [{ name: 'x', kind: 'tensor', elementType: 'float', shape: [null, 4] }],
      outputs: [{ name: 'label', kind: 'tensor', elementType: 'int64', shape: [null] }],
      operators: [{ domain: 'ai.onnx.ml', opType: 'LinearClassifier', count: 1 }],
      functions: [],
      metadataProps: props,
      clipped: []
    },
    unusableOutputs: [],
    notes: ''
  };
  return meta;
}

const fileBytes = (n: number) => Uint8Array.from({ length: 64 }, (_, i) => (i * 7 + n) % 256);

describe('imported versions', () => {
  it('are versions with their ONNX bytes and no weights, numbered with the trained ones', async () => {
    const store = await freshStore();
    const v1 = await store.saveModel(trained(1).bytes, trained(1).meta);
    const bytes = fileBytes(1);
    const { record, created } = await store.importModel(bytes, importedMeta('iris'));
    expect(created).toBe(true);
    expect(record).toMatchObject({
      origin: 'imported',
      version: 2,
      name: 'iris',
      fileName: 'iris.onnx',
      onnx: { bytes: 64 }
    });
    // Content-addressed: its id is the file's SHA-256, as is its blob's key.
    const digest = Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
    expect([record.id, record.onnx?.hash]).toEqual([digest, digest]);
    expect(v1.origin).toBe('trained');
    const listed = await store.listModels();
    expect(listed.map((m) => ('unreadable' in m ? m : [m.version, m.origin]))).toEqual([
      [2, 'imported'],
      [1, 'trained']
    ]);
    expect((await store.loadModelOnnx(record.id)).bytes).toEqual(bytes);
    const noWeights = await rejection(store.loadModelWeights(record.id));
    expect([noWeights.code, noWeights.message]).toEqual([
      'NO_WEIGHTS',
      'v2 "iris" was imported from an ONNX file: it has no training weights, only its ONNX graph.'
    ]);
    // Export does not apply: the version is its file already.
    const attach = await rejection(
      store.attachModelOnnx(record.id, { make: () => fileBytes(2), checks: {} }, {})
    );
    expect(attach.code).toBe('IMPORTED_MODEL');
    expect((await store.loadModelOnnx(record.id)).bytes).toEqual(bytes);
  });

  it('add the same file once, and a trained version’s own export not at all', async () => {
    const store = await freshStore();
    const first = await store.importModel(fileBytes(1), importedMeta('a'));
    const again = await store.importModel(fileBytes(1), importedMeta('a copy'));
    expect(again).toEqual({ record: first.record, created: false });
    const exported = fileBytes(9);
    const v2 = await store.saveModel(trained(1).bytes, trained(1).meta, {
      make: () => exported,
      checks: {}
    });
    const back = await store.importModel(exported, importedMeta('round trip'));
    expect(back).toEqual({ record: v2, created: false });
    expect((await store.listModels()).length).toBe(2);
  });

  it('take aliases and notes; deleting one keeps a blob another version shares', async () => {
    const store = await freshStore();
    const { record } = await store.importModel(fileBytes(1), importedMeta('iris'));
    await store.setAlias('candidate', record.id);
    expect((await store.listAliases()).map((a) => [a.alias, a.modelId])).toEqual([
      ['candidate', record.id]
    ]);
    expect((await rejection(store.deleteModel(record.id))).code).toBe('MODEL_IN_USE');
    await store.updateModel(record.id, { notes: 'from the <b>vendor</b>' });
    expect((await store.listModels())[0]).toMatchObject({ notes: 'from the <b>vendor</b>' });
    await store.removeAlias('candidate');
    await store.deleteModel(record.id);
    expect(await store.listModels()).toEqual([]);
    expect((await rejection(store.loadModelOnnx(record.id))).code).toBe('MODEL_NOT_FOUND');
  });

  it('read a Lathe file’s metadata, none for a file made elsewhere, and say when it does not fit', async () => {
    const store = await freshStore();
    const lathe = {
      format: 'lathe-onnx',
      version: 1,
      task: 'binary',
      target: 'churn',
      inputs: [],
      outputs: ['label', 'probabilities'],
      classes: ['no', 'yes'],
      model: 'logistic',
      spec: null,
      trainingOnlySteps: [],
      hashes: { dataset: null, featureSet: null, spec: null, model: null },
      engineVersion: '1',
      backend: 'cpu',
      metrics: {}
    };
    const a = await store.importModel(
      fileBytes(1),
      importedMeta('lathe', [{ key: 'lathe', value: JSON.stringify(lathe) }])
    );
    const b = await store.importModel(fileBytes(2), importedMeta('foreign'));
    if (a.record.origin !== 'imported' || b.record.origin !== 'imported') throw new Error();
    expect(importedMetadata(a.record)).toEqual({ ok: true, record: lathe });
    expect([modelTask(a.record), modelTask(b.record)]).toEqual(['binary', null]);
    expect(importedMetadata(b.record)).toEqual({ ok: true, record: null });
    const broken = importedMetadata({
      ...a.record,
      graph: { ...a.record.graph, metadataProps: [{ key: 'lathe', value: '{"task": 1}' }] }
    });
    expect(broken.ok).toBe(false);
  });

  it('are records of their own kind: trained fields are not faked, an unknown origin is unreadable', async () => {
    const factory = new IDBFactory();
    const store = await openStore({ factory, name: 'lathe-models-kinds' });
    opened.push(store);
    const { record } = await store.importModel(fileBytes(1), importedMeta('iris'));
    expect(record).not.toHaveProperty('featureSetId');
    expect(record).not.toHaveProperty('weightsHash');
    expect(record).not.toHaveProperty('history');
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open('lathe-models-kinds');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('models', 'readwrite');
      tx.objectStore('models').put({ ...record, id: hex(5), origin: 'downloaded' });
      tx.objectStore('models').put({ ...record, id: hex(6), graph: undefined });
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    const listed = await store.listModels();
    expect(
      listed
        .filter((m) => 'unreadable' in m)
        .map((m) => m.id)
        .sort()
    ).toEqual([hex(5), hex(6)]);
  });
});
