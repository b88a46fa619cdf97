import 'fake-indexeddb/auto';
import * as arrow from 'apache-arrow';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { tableToArrowIpc } from '../../src/lib/core/data/export';
import { LatheError } from '../../src/lib/core/base/errors';
import { sha256Hex } from '../../src/lib/core/base/hash';
import { openStore, type FeatureSetRecord, type SplitName, type Store } from '../../src/lib/store';

const opened: Store[] = [];
const restores: (() => void)[] = [];
afterEach(() => {
  restores.splice(0).forEach((restore) => restore());
  opened.splice(0).forEach((store) => store.close());
});

async function freshStore(factory = new IDBFactory()) {
  const store = await openStore({ factory, name: 'lathe-fs-test' });
  opened.push(store);
  return store;
}

function ipcOf(values: number[]): Uint8Array {
  return tableToArrowIpc(new arrow.Table({ x: arrow.makeVector(Float64Array.from(values)) }));
}

function splits(seed: number): Record<SplitName, { ipc: Uint8Array; rows: number }> {
  return {
    train: { ipc: ipcOf([seed, seed + 1, seed + 2]), rows: 3 },
    validation: { ipc: ipcOf([seed + 10]), rows: 1 },
    test: { ipc: ipcOf([seed + 20]), rows: 1 }
  };
}

const hex = (n: number) => n.toString(16).padStart(64, '0');

function meta(id: number, name = `features ${id}`): Omit<FeatureSetRecord, 'splits' | 'createdAt'> {
  return {
    id: hex(id),
    name,
    datasetHash: hex(1000 + id),
    datasetName: 'penguins',
    specHash: hex(2000 + id),
    spec: { version: 1, steps: [{ type: 'scale', method: 'standard', columns: ['x'] }] },
    engineVersion: '1',
    schema: [{ name: 'x', type: 'float' }],
    states: [{ mean: [1.5], scale: [0.5] }],
    droppedRows: 0,
    millis: 12
  };
}

function dataset(values: number[]) {
  const ipc = ipcOf(values);
  return {
    ipc,
    meta: {
      name: 'raw',
      source: { kind: 'file' as const, fileName: 'raw.csv' },
      schema: [{ name: 'x', type: 'float' as const }],
      rows: values.length,
      profile: { rows: values.length, columns: [] },
      report: {
        format: 'csv' as const,
        encoding: 'utf-8' as const,
        rows: values.length,
        columns: [{ name: 'x', type: 'float' as const }],
        invalid: [],
        warnings: [],
        bytes: ipc.byteLength,
        millis: 1
      }
    }
  };
}

describe('feature set store', () => {
  it('saves the three splits with their record, finds it by key, and loads each split', async () => {
    const store = await freshStore();
    const input = splits(1);
    const saved = await store.saveFeatureSet(input, meta(1));
    expect(saved.splits.train).toEqual({
      hash: await sha256Hex(input.train.ipc),
      rows: 3,
      bytes: input.train.ipc.byteLength
    });
    expect(await store.findFeatureSet(hex(1))).toEqual(saved);
    expect(await store.findFeatureSet(hex(99))).toBeNull();
    for (const name of ['train', 'validation', 'test'] as const) {
      expect(await store.loadFeatureSplit(hex(1), name)).toEqual(input[name].ipc);
    }
    const again = await store.saveFeatureSet(splits(1), meta(1, 'renamed meanwhile'));
    expect(again).toEqual(saved);
    expect(await store.listFeatureSets()).toHaveLength(1);
  });

  it('deleting one feature set keeps blobs another artifact still uses', async () => {
    const store = await freshStore();
    const shared = splits(5);
    await store.saveFeatureSet(shared, meta(1));
    await store.saveFeatureSet({ ...splits(7), train: shared.train }, meta(2));
    await store.deleteFeatureSet(hex(1));
    expect((await store.loadFeatureSplit(hex(2), 'train')).byteLength).toBe(
      shared.train.ipc.byteLength
    );
    expect((await store.listFeatureSets()).map((f) => f.id)).toEqual([hex(2)]);

    const { ipc, meta: datasetMeta } = dataset([7, 8, 9]);
    const record = await store.saveDataset(ipc, datasetMeta);
    await store.saveFeatureSet({ ...splits(9), train: { ipc, rows: 3 } }, meta(3));
    await store.deleteDataset(record.id);
    expect(await store.loadFeatureSplit(hex(3), 'train')).toEqual(ipc);
  });

  it('a quota error while saving a feature set leaves saved datasets and feature sets intact', async () => {
    const store = await freshStore();
    const { ipc, meta: datasetMeta } = dataset([1, 2, 3]);
    const kept = await store.saveDataset(ipc, datasetMeta);
    await store.saveFeatureSet(splits(1), meta(1));
    const original = IDBObjectStore.prototype.put;
    let puts = 0;
    IDBObjectStore.prototype.put = function (
      this: IDBObjectStore,
      value: unknown,
      key?: IDBValidKey
    ) {
      // The second blob of the next save fails, after the first one was already put.
      if (++puts === 2) throw new DOMException('quota', 'QuotaExceededError');
      return original.call(this, value, key);
    };
    restores.push(() => (IDBObjectStore.prototype.put = original));
    const error = await store.saveFeatureSet(splits(2), meta(2)).then(
      () => null,
      (e: unknown) => e
    );
    expect(error).toBeInstanceOf(LatheError);
    expect((error as LatheError).code).toBe('QUOTA_EXCEEDED');
    expect((error as LatheError).message).toMatch(/features 2/);
    restores.splice(0).forEach((restore) => restore());
    expect(await store.findFeatureSet(hex(2))).toBeNull();
    expect(await store.loadDatasetBytes(kept.id)).toEqual(ipc);
    expect((await store.listFeatureSets()).map((f) => f.id)).toEqual([hex(1)]);
    // No orphan: the first blob of the failed save was rolled back with the transaction.
    await expect(store.loadFeatureSplit(hex(1), 'train')).resolves.toBeInstanceOf(Uint8Array);
  });

  it('refuses a record that fails its schema and lists a damaged one as unreadable', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    const bad = { ...meta(1), states: [() => 1] } as unknown as ReturnType<typeof meta>;
    await expect(
      store.saveFeatureSet(splits(1), { ...bad, states: [], id: 'nope' })
    ).rejects.toMatchObject({
      code: 'INVALID_FEATURE_SET'
    });
    await store.saveFeatureSet(splits(2), meta(2));
    await new Promise<void>((resolve) => {
      const request = factory.open('lathe-fs-test');
      request.onsuccess = () => {
        const tx = request.result.transaction('featureSets', 'readwrite');
        tx.objectStore('featureSets').put({ id: hex(3), name: 'broken', splits: 'no' });
        tx.oncomplete = () => (request.result.close(), resolve());
      };
    });
    const listed = await store.listFeatureSets();
    expect(listed.map((f) => f.id)).toEqual([hex(2), hex(3)]);
    expect(listed[1]).toMatchObject({ unreadable: true, name: 'broken' });
    expect(await store.findFeatureSet(hex(3))).toBeNull();
  });

  it('upgrading a version-1 database keeps its datasets', async () => {
    const factory = new IDBFactory();
    const { ipc, meta: datasetMeta } = dataset([4, 5]);
    const hash = await sha256Hex(ipc);
    await new Promise<void>((resolve) => {
      const request = factory.open('lathe-fs-test', 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore('blobs');
        request.result.createObjectStore('datasets', { keyPath: 'id' });
      };
      request.onsuccess = () => {
        const tx = request.result.transaction(['blobs', 'datasets'], 'readwrite');
        tx.objectStore('blobs').put(new Blob([ipc as Uint8Array<ArrayBuffer>]), hash);
        tx.objectStore('datasets').put({
          ...datasetMeta,
          id: hash,
          hash,
          bytes: ipc.byteLength,
          createdAt: 1
        });
        tx.oncomplete = () => (request.result.close(), resolve());
      };
    });
    const store = await freshStore(factory);
    expect((await store.listDatasets()).map((d) => d.id)).toEqual([hash]);
    expect(await store.loadDatasetBytes(hash)).toEqual(ipc);
    expect(await store.listFeatureSets()).toEqual([]);
  });
});

describe('pipeline specs through IndexedDB', () => {
  it('every example spec comes back from the store as identical JSON', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { parseSpec } = await import('../../src/lib/core/pipeline/parse');
    const dir = 'test/fixtures/pipelines';
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(3);
    const store = await freshStore();
    for (const [i, file] of files.entries()) {
      const spec = parseSpec(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')));
      await store.saveFeatureSet(splits(100 + i), {
        ...meta(100 + i),
        spec: JSON.parse(JSON.stringify(spec))
      });
      const saved = await store.findFeatureSet(hex(100 + i));
      expect(JSON.stringify(parseSpec(saved!.spec))).toBe(JSON.stringify(spec));
    }
  });
});
