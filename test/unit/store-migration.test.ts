import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/lib/core/base/hash';
import {
  modelHistory,
  modelNetwork,
  modelReport,
  openStore,
  type Store
} from '../../src/lib/store';
import {
  decodeValue,
  dumpDatabase,
  loadDatabase,
  type DumpedDatabase
} from '../fixtures/store/codec';

// Written by the version-3 store (scripts/make-store-fixture.ts); never regenerate it with newer code.
const V3: DumpedDatabase = JSON.parse(readFileSync('test/fixtures/store/v3.json', 'utf8'));

const opened: Store[] = [];
afterEach(() => opened.splice(0).forEach((store) => store.close()));

function stored(storeName: string): { key: unknown; value: unknown }[] {
  const store = V3.stores.find((s) => s.name === storeName);
  if (!store) throw new Error(`the fixture has no "${storeName}" store`);
  return store.entries.map(({ key, value }) => ({ key, value: decodeValue(value) }));
}

async function bytesOf(value: unknown): Promise<Uint8Array> {
  if (value instanceof Blob) return new Uint8Array(await value.arrayBuffer());
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new Error('not bytes');
}

async function blobBytes(hash: string): Promise<Uint8Array> {
  const entry = stored('blobs').find((e) => e.key === hash);
  if (!entry) throw new Error(`no blob ${hash} in the fixture`);
  return bytesOf(entry.value);
}

async function openV3() {
  const factory = new IDBFactory();
  await loadDatabase(factory, V3);
  const store = await openStore({ factory, name: V3.name });
  opened.push(store);
  return { factory, store };
}

describe('a database written by version 3', () => {
  it('is the fixture it claims to be: version 3, one record of each kind', () => {
    expect(V3.version).toBe(3);
    for (const kind of ['datasets', 'featureSets', 'models', 'aliases']) {
      expect(stored(kind), kind).toHaveLength(1);
    }
  });

  it('opens with the current store and reads every record unchanged, models as trained', async () => {
    const { store } = await openV3();
    const [dataset] = stored('datasets');
    const [featureSet] = stored('featureSets');
    const [model] = stored('models');
    const [alias] = stored('aliases');

    expect(await store.listDatasets()).toEqual([dataset.value]);
    expect(await store.listFeatureSets()).toEqual([featureSet.value]);
    expect(await store.findFeatureSet(String(featureSet.key))).toEqual(featureSet.value);
    // Models saved before imports existed have no origin: they are trained versions.
    expect(model.value).not.toHaveProperty('origin');
    expect(await store.listModels()).toEqual([{ ...(model.value as object), origin: 'trained' }]);
    expect(await store.listAliases()).toEqual([alias.value]);
  });

  it('loads every artifact’s bytes, verified against their hashes', async () => {
    const { store } = await openV3();
    const [dataset] = await store.listDatasets();
    if ('unreadable' in dataset) throw new Error(dataset.reason);
    expect(await store.loadDatasetBytes(dataset.id)).toEqual(await blobBytes(dataset.hash));

    const [featureSet] = await store.listFeatureSets();
    if ('unreadable' in featureSet) throw new Error(featureSet.reason);
    for (const split of ['train', 'validation', 'test'] as const) {
      expect(await store.loadFeatureSplit(featureSet.id, split)).toEqual(
        await blobBytes(featureSet.splits[split].hash)
      );
    }

    const [model] = await store.listModels();
    if ('unreadable' in model) throw new Error(model.reason);
    if (model.origin !== 'trained') throw new Error('expected a trained version');
    const { record, bytes } = await store.loadModelWeights(model.id);
    expect(record).toEqual(model);
    expect(bytes).toEqual(await blobBytes(model.weightsHash));
  });

  it('is upgraded in place: records untouched, the settings and prediction stores added', async () => {
    const { factory, store } = await openV3();
    await store.putSetting('calibration', { backend: 'wasm', samplesPerSecond: 51234.5 });
    store.close();
    opened.length = 0;
    const after = await dumpDatabase(factory, V3.name);
    expect(after.version).toBe(5);
    expect(after.stores.map((s) => s.name)).toEqual([
      'aliases',
      'blobs',
      'datasets',
      'featureSets',
      'models',
      'predictions',
      'settings'
    ]);
    for (const before of V3.stores) {
      expect(after.stores.find((s) => s.name === before.name)).toEqual(before);
    }
    const reopened = await openStore({ factory, name: V3.name });
    opened.push(reopened);
    expect(await reopened.getSetting('calibration')).toEqual({
      backend: 'wasm',
      samplesPerSecond: 51234.5
    });
  });
});

describe('the JSON fields of a version-3 model', () => {
  it('read back as the network, epochs and report they were made from', async () => {
    const { store } = await openV3();
    const [model] = await store.listModels();
    if ('unreadable' in model) throw new Error(model.reason);
    if (model.origin !== 'trained') throw new Error('expected a trained version');
    expect(modelNetwork(model)).toEqual({
      kind: 'linear',
      task: 'regression',
      inputDim: 1,
      outputDim: 1,
      layers: [{ units: 1, activation: 'linear', init: 'glorot_uniform', l2: 0, dropout: 0 }],
      head: 'identity',
      loss: 'mse'
    });
    const history = modelHistory(model);
    expect(history.map((e) => [e.epoch, e.valLoss, e.best])).toEqual([
      [1, null, false],
      [2, 0.75, true],
      [3, 0.5, false]
    ]);
    const report = modelReport(model, 'test');
    if (report?.task !== 'regression') throw new Error('expected the regression report');
    // Predictions 3700 and 3600 for 3650 and 3625: errors 50 and 25.
    expect(report.mae).toBeCloseTo(37.5, 12);
    expect(report.mse).toBeCloseTo((50 ** 2 + 25 ** 2) / 2, 9);
    expect(report.plot.actual).toEqual([3650, 3625]);
    expect(modelReport(model, 'validation')).toBeNull();
  });

  it('refuse what does not fit instead of passing it on', async () => {
    const { store } = await openV3();
    const [model] = await store.listModels();
    if ('unreadable' in model) throw new Error(model.reason);
    if (model.origin !== 'trained') throw new Error('expected a trained version');
    expect(() => modelNetwork({ ...model, network: { layers: 'none' } })).toThrow(
      expect.objectContaining({ code: 'CORRUPT_MODEL' })
    );
    expect(modelReport({ ...model, metrics: { test: { task: 'regression' } } }, 'test')).toBeNull();
    expect(modelHistory({ ...model, history: [{ epoch: 'one' }, ...model.history] })).toHaveLength(
      3
    );
    // JSON turned a NaN score into null: it reads as NaN again, not as a number 0.
    const test = model.metrics.test;
    if (!test || typeof test !== 'object' || Array.isArray(test)) throw new Error('no report');
    const report = modelReport({ ...model, metrics: { test: { ...test, r2: null } } }, 'test');
    expect(report?.task === 'regression' && Number.isNaN(report.r2)).toBe(true);
  });
});

// Written by the version-4 store (scripts/make-store-fixture.ts); never regenerate it with newer code.
const V4: DumpedDatabase = JSON.parse(readFileSync('test/fixtures/store/v4.json', 'utf8'));

function storedV4(storeName: string): { key: unknown; value: unknown }[] {
  const store = V4.stores.find((s) => s.name === storeName);
  if (!store) throw new Error(`the v4 fixture has no "${storeName}" store`);
  return store.entries.map(({ key, value }) => ({ key, value: decodeValue(value) }));
}

async function openV4() {
  const factory = new IDBFactory();
  await loadDatabase(factory, V4);
  const store = await openStore({ factory, name: V4.name });
  opened.push(store);
  return { factory, store };
}

describe('a database written by version 4', () => {
  it('is the fixture it claims to be: a re-imported dataset, a trained and an imported model', () => {
    expect(V4.version).toBe(4);
    expect(V4.stores.map((s) => [s.name, s.entries.length])).toEqual([
      ['aliases', 1],
      ['blobs', 7],
      ['datasets', 2],
      ['featureSets', 1],
      ['models', 2],
      ['settings', 1]
    ]);
    const datasets = storedV4('datasets').map((e) => e.value as Record<string, unknown>);
    expect(datasets.find((d) => d.version === 2)).toMatchObject({
      previousId: datasets.find((d) => d.version === undefined)?.id,
      columnTypes: { male: 'categorical' }
    });
    expect(storedV4('models').map((e) => (e.value as { origin: string }).origin)).toEqual(
      expect.arrayContaining(['trained', 'imported'])
    );
  });

  it('is upgraded to version 5 in place: every record and blob unchanged, the log empty', async () => {
    const { factory, store } = await openV4();
    expect(await store.listDatasets()).toEqual(
      expect.arrayContaining(storedV4('datasets').map((e) => e.value))
    );
    expect(await store.listModels()).toEqual(
      expect.arrayContaining(storedV4('models').map((e) => e.value))
    );
    expect(await store.listAliases()).toEqual(storedV4('aliases').map((e) => e.value));
    expect(await store.listFeatureSets()).toEqual(storedV4('featureSets').map((e) => e.value));
    expect(await store.getSetting('backend.calibration')).toEqual(storedV4('settings')[0].value);
    expect(await store.listPredictionBatches()).toEqual([]);

    // Every blob reads back verified through the records that point at it.
    for (const dataset of await store.listDatasets()) {
      if ('unreadable' in dataset) throw new Error(dataset.reason);
      expect(await sha256Hex(await store.loadDatasetBytes(dataset.id))).toBe(dataset.hash);
    }
    for (const model of await store.listModels()) {
      if ('unreadable' in model) throw new Error(model.reason);
      const { bytes } = await store.loadModelOnnx(model.id);
      if (model.origin === 'imported') expect(await sha256Hex(bytes!)).toBe(model.onnx.hash);
      else
        expect(await sha256Hex((await store.loadModelWeights(model.id)).bytes)).toBe(
          model.weightsHash
        );
    }

    // The new store works on the upgraded database, next to what was there.
    const [imported] = (await store.listModels()).filter(
      (m) => !('unreadable' in m) && m.origin === 'imported'
    );
    const { record } = await store.logPredictions({
      table: new arrow.Table({ x: arrow.makeVector(Float64Array.from([1, 2])) }),
      meta: {
        model: { id: imported.id, version: 2, onnxHash: imported.id },
        source: { kind: 'form' },
        columns: [{ role: 'prediction', name: 'x' }],
        time: 1234
      }
    });
    expect(await store.listPredictionBatches({ modelId: imported.id })).toEqual([record]);
    store.close();
    opened.length = 0;

    const after = await dumpDatabase(factory, V4.name);
    expect(after.version).toBe(5);
    for (const before of V4.stores) {
      const now = after.stores.find((s) => s.name === before.name);
      if (before.name === 'blobs' || before.name === 'settings') {
        // Only the new batch's bytes and the log's row sequence were added.
        expect(now?.entries).toEqual(expect.arrayContaining(before.entries));
        expect(now?.entries).toHaveLength(before.entries.length + 1);
      } else {
        expect(now).toEqual(before);
      }
    }
    const predictions = after.stores.find((s) => s.name === 'predictions');
    expect(predictions?.entries).toHaveLength(1);
    expect(predictions?.indexes).toEqual([
      { name: 'modelTime', keyPath: ['modelId', 'time'], unique: false, multiEntry: false },
      { name: 'time', keyPath: 'time', unique: false, multiEntry: false }
    ]);

    // A dump with indexes loads with them: the next version's fixture will need the log's.
    const again = new IDBFactory();
    await loadDatabase(again, after);
    expect(await dumpDatabase(again, V4.name)).toEqual(after);
  });
});
