import 'fake-indexeddb/auto';
import * as arrow from 'apache-arrow';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { tableToArrowIpc } from '../../src/lib/core/data/export';
import { profileTable } from '../../src/lib/core/data/profile';
import { LatheError } from '../../src/lib/core/base/errors';
import { type IngestReport } from '../../src/lib/core/data/types';
import { sha256Hex } from '../../src/lib/core/base/hash';
import { openStore, type DatasetMeta, type Store } from '../../src/lib/store';
import { datasetLabel } from '../../src/lib/ui/dataset-label';
import { patchPut as patchEveryPut, rawGet, rawKeys, rawPut } from '../fixtures/store/raw';

const opened: Store[] = [];
const restores: (() => void)[] = [];

const patchPut = (replacement: Parameters<typeof patchEveryPut>[0]) =>
  restores.push(patchEveryPut(replacement));
afterEach(() => {
  restores.splice(0).forEach((restore) => restore());
  opened.splice(0).forEach((store) => store.close());
});

async function freshStore(factory = new IDBFactory(), name = 'lathe-test') {
  const store = await openStore({ factory, name });
  opened.push(store);
  return store;
}

function dataset(name: string, rows: number, seed = 1) {
  const table = new arrow.Table({
    x: arrow.makeVector(Float64Array.from({ length: rows }, (_, i) => i * seed)),
    y: arrow.makeVector(Int32Array.from({ length: rows }, (_, i) => (i * 7 + seed) % 5))
  });
  const ipc = tableToArrowIpc(table);
  const schema = [
    { name: 'x', type: 'float' as const },
    { name: 'y', type: 'integer' as const }
  ];
  const report: IngestReport = {
    format: 'csv',
    delimiter: ',',
    encoding: 'utf-8',
    rows,
    columns: schema,
    invalid: [],
    warnings: [],
    bytes: ipc.byteLength,
    millis: 3
  };
  const meta: DatasetMeta = {
    name,
    source: { kind: 'file', fileName: `${name}.csv` },
    schema,
    rows,
    profile: profileTable(table),
    report
  };
  return { ipc, meta };
}

const sizeOf = (value: unknown) =>
  value instanceof Blob ? value.size : value instanceof ArrayBuffer ? value.byteLength : 0;

async function rejection(promise: Promise<unknown>): Promise<LatheError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(LatheError);
  return error as LatheError;
}

describe('dataset store', () => {
  it('saves, lists, loads, renames and deletes', async () => {
    const store = await freshStore();
    const a = dataset('alpha', 100, 1);
    const b = dataset('beta', 50, 2);
    const savedA = await store.saveDataset(a.ipc, a.meta);
    await new Promise((r) => setTimeout(r, 2));
    const savedB = await store.saveDataset(b.ipc, b.meta);

    expect(savedA.id).toBe(await sha256Hex(a.ipc));
    expect(savedA).toMatchObject({
      hash: savedA.id,
      name: 'alpha',
      rows: 100,
      bytes: a.ipc.byteLength
    });
    expect((await store.listDatasets()).map((d) => d.id)).toEqual([savedB.id, savedA.id]);
    expect(await store.listDatasets()).toEqual([savedB, savedA]);

    const bytes = await store.loadDatasetBytes(savedA.id);
    expect(bytes).toEqual(a.ipc);
    expect(arrow.tableFromIPC(bytes).numRows).toBe(100);

    await store.renameDataset(savedA.id, '  renamed  ');
    const list = await store.listDatasets();
    expect(list.find((d) => d.id === savedA.id)?.name).toBe('renamed');
    await expect(store.renameDataset(savedA.id, ' ')).rejects.toMatchObject({
      code: 'INVALID_NAME'
    });

    await store.deleteDataset(savedA.id);
    expect((await store.listDatasets()).map((d) => d.id)).toEqual([savedB.id]);
    const missing = await rejection(store.loadDatasetBytes(savedA.id));
    expect(missing.code).toBe('DATASET_NOT_FOUND');
    await expect(store.renameDataset(savedA.id, 'x')).rejects.toMatchObject({
      code: 'DATASET_NOT_FOUND'
    });
  });

  it('keeps one copy of the same bytes', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    const a = dataset('first', 30);
    const first = await store.saveDataset(a.ipc, a.meta);
    const again = await store.saveDataset(a.ipc.slice(), { ...a.meta, name: 'second' });
    expect(again).toEqual(first);
    expect(await rawGet(factory, 'lathe-test', 'blobs', first.id)).toBeInstanceOf(Blob);
    expect(await store.listDatasets()).toHaveLength(1);
    expect(await rawKeys(factory, 'lathe-test', 'blobs')).toEqual([first.id]);
  });

  it('rejects bytes that no longer match their hash', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    const a = dataset('alpha', 40);
    const saved = await store.saveDataset(a.ipc, a.meta);
    const tampered = a.ipc.slice();
    tampered[tampered.length - 9] ^= 0xff;
    await rawPut(factory, 'lathe-test', 'blobs', new Blob([tampered]), saved.id);
    const error = await rejection(store.loadDatasetBytes(saved.id));
    expect(error.code).toBe('CORRUPT_DATASET');
    expect(error.message).toContain('"alpha"');
    await rawPut(factory, 'lathe-test', 'blobs', 'not bytes', saved.id);
    await expect(store.loadDatasetBytes(saved.id)).rejects.toMatchObject({
      code: 'CORRUPT_DATASET'
    });
  });

  it('lists a corrupted record as unreadable and still loads the others', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    const a = dataset('good', 20);
    const saved = await store.saveDataset(a.ipc, a.meta);
    await rawPut(factory, 'lathe-test', 'datasets', {
      id: 'bad-one',
      name: 'broken',
      rows: 'many'
    });
    await rawPut(factory, 'lathe-test', 'datasets', {
      ...saved,
      id: 'f'.repeat(64),
      hash: 'f'.repeat(64),
      profile: null
    });

    const list = await store.listDatasets();
    expect(list[0]).toEqual(saved);
    const unreadable = list.slice(1);
    expect(unreadable).toEqual([
      expect.objectContaining({ id: 'bad-one', unreadable: true, name: 'broken' }),
      expect.objectContaining({ id: 'f'.repeat(64), unreadable: true, name: 'good' })
    ]);
    expect(unreadable.every((d) => 'reason' in d && d.reason.length > 0)).toBe(true);
    expect(await store.loadDatasetBytes(saved.id)).toEqual(a.ipc);
    await expect(store.loadDatasetBytes('f'.repeat(64))).rejects.toMatchObject({
      code: 'CORRUPT_DATASET'
    });
    await expect(store.saveDataset(a.ipc, { ...a.meta, rows: -1 })).rejects.toMatchObject({
      code: 'INVALID_DATASET'
    });
    await store.deleteDataset('bad-one');
    expect(await store.listDatasets()).toHaveLength(2);
  });

  it('reports an exceeded quota clearly and keeps what was saved', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    const small = dataset('small one', 200);
    const medium = dataset('medium one', 2_000);
    const big = dataset('huge', 20_000);
    const savedSmall = await store.saveDataset(small.ipc, small.meta);
    const savedMedium = await store.saveDataset(medium.ipc, medium.meta);

    patchPut(function (original, value, key) {
      if (sizeOf(value) > 100_000)
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return original.call(this, value, key);
    });
    const error = await rejection(store.saveDataset(big.ipc, big.meta));
    expect(error.code).toBe('QUOTA_EXCEEDED');
    expect(error.message).toMatch(/Not enough storage to save "huge" \(\d+ KB\)/);
    expect(error.message).toContain('"medium one"');
    expect(error.message.indexOf('"medium one"')).toBeLessThan(
      error.message.indexOf('"small one"')
    );
    expect(error.details?.largest).toEqual([
      { id: savedMedium.id, name: 'medium one', bytes: medium.ipc.byteLength },
      { id: savedSmall.id, name: 'small one', bytes: small.ipc.byteLength }
    ]);

    expect((await store.listDatasets()).map((d) => d.id).sort()).toEqual(
      [savedSmall.id, savedMedium.id].sort()
    );
    expect((await rawKeys(factory, 'lathe-test', 'blobs')).sort()).toEqual(
      [savedSmall.id, savedMedium.id].sort()
    );
    expect(await store.loadDatasetBytes(savedSmall.id)).toEqual(small.ipc);
  });

  it('leaves neither record nor blob when the transaction aborts mid-save', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    const a = dataset('kept', 10);
    await store.saveDataset(a.ipc, a.meta);
    let blobWritten = false;
    patchPut(function (original, value, key) {
      if (this.name === 'blobs') blobWritten = true;
      if (this.name === 'datasets') this.transaction.abort();
      return original.call(this, value, key);
    });
    const b = dataset('lost', 10, 3);
    const error = await rejection(store.saveDataset(b.ipc, b.meta));
    expect(blobWritten).toBe(true);
    expect(error.code).toBe('STORE_WRITE_FAILED');
    expect((await store.listDatasets()).map((d) => d.name)).toEqual(['kept']);
    expect(await rawKeys(factory, 'lathe-test', 'blobs')).toHaveLength(1);
  });

  it('falls back to ArrayBuffer where IndexedDB cannot hold a Blob', async () => {
    patchPut(function (original, value, key) {
      if (value instanceof Blob) throw new DOMException('Blob unsupported', 'DataCloneError');
      return original.call(this, value, key);
    });
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    const a = dataset('buffered', 64);
    const saved = await store.saveDataset(a.ipc.subarray(0), a.meta);
    expect(await rawGet(factory, 'lathe-test', 'blobs', saved.id)).toBeInstanceOf(ArrayBuffer);
    expect(await store.loadDatasetBytes(saved.id)).toEqual(a.ipc);
  });

  it('notifies listeners here and in other tabs', async () => {
    const factory = new IDBFactory();
    const here = await freshStore(factory);
    const there = await freshStore(factory);
    let local = 0;
    const unsubscribe = here.onChange(() => local++);
    const remote = new Promise<void>((resolve) => there.onChange(resolve));
    const a = dataset('shared', 5);
    const saved = await here.saveDataset(a.ipc, a.meta);
    await remote;
    expect(local).toBe(1);
    expect((await there.listDatasets())[0]).toEqual(saved);
    await here.saveDataset(a.ipc, a.meta);
    expect(local).toBe(1);
    await here.renameDataset(saved.id, 'renamed');
    expect(local).toBe(2);
    unsubscribe();
    await here.deleteDataset(saved.id);
    expect(local).toBe(2);
  });

  it('has no storage estimate without navigator.storage', async () => {
    const store = await freshStore();
    expect(await store.estimate()).toBeNull();
  });
});

describe('dataset versions', () => {
  const sourceHash = 'a'.repeat(64);

  it('a re-import with other column types is the next version of the same dataset', async () => {
    const store = await freshStore();
    const original = dataset('penguins', 30, 1);
    const first = await store.saveDataset(original.ipc, { ...original.meta, sourceHash });
    expect(first).toMatchObject({ name: 'penguins', sourceHash });
    expect(first.version).toBeUndefined();
    expect(first.previousId).toBeUndefined();

    const retyped = dataset('penguins', 30, 2);
    const second = await store.saveDataset(retyped.ipc, {
      ...retyped.meta,
      sourceHash,
      columnTypes: { y: 'categorical' },
      replaces: first.id
    });
    expect(second).toMatchObject({
      name: 'penguins',
      version: 2,
      previousId: first.id,
      sourceHash,
      columnTypes: { y: 'categorical' }
    });

    // Another re-import of the first one is not a second "v2": versions count along the line.
    const again = dataset('penguins', 30, 3);
    const third = await store.saveDataset(again.ipc, {
      ...again.meta,
      columnTypes: { x: 'text' },
      replaces: first.id
    });
    expect(third).toMatchObject({ version: 3, previousId: first.id });
    const listed = await store.listDatasets();
    expect(listed).toHaveLength(3);
    expect(listed).toContainEqual(second);

    // Lists tell them apart.
    expect([first, second, third].map(datasetLabel)).toEqual([
      'penguins',
      'penguins (v2, types changed: y → categorical)',
      'penguins (v3, types changed: x → text)'
    ]);

    // Types that give back bytes already saved are that dataset, not a new version.
    expect(await store.saveDataset(original.ipc, { ...original.meta, replaces: third.id })).toEqual(
      first
    );
    expect(await store.listDatasets()).toHaveLength(3);
  });

  it('refuses to version a dataset that is no longer there, saving nothing', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    const a = dataset('gone', 10);
    const error = await rejection(
      store.saveDataset(a.ipc, { ...a.meta, replaces: 'b'.repeat(64) })
    );
    expect(error.code).toBe('DATASET_NOT_FOUND');
    expect(error.message).toContain('nothing was saved');
    expect(await store.listDatasets()).toEqual([]);
    expect(await rawKeys(factory, 'lathe-test', 'blobs')).toEqual([]);
  });

  it('a dataset saved without a source hash learns it when the same bytes come again', async () => {
    const store = await freshStore();
    const a = dataset('old', 12);
    const before = await store.saveDataset(a.ipc, a.meta);
    expect(before.sourceHash).toBeUndefined();
    const after = await store.saveDataset(a.ipc, { ...a.meta, name: 'ignored', sourceHash });
    expect(after).toEqual({ ...before, sourceHash });
    expect(await store.listDatasets()).toEqual([after]);
  });
});

describe('dataset records from this version of ingest', () => {
  it('keep column notes, date warnings, and no encoding for binary formats', async () => {
    const store = await freshStore();
    const { ipc, meta } = dataset('notes', 10);
    const { encoding: _, ...rest } = meta.report;
    const report: IngestReport = {
      ...rest,
      format: 'arrow',
      warnings: [{ code: 'AMBIGUOUS_DATES', message: 'day or month?', details: { column: 'x' } }],
      notes: [
        {
          column: 'y',
          kind: 'override',
          type: 'integer',
          detected: 'categorical',
          message: '"y" read as integer, as you chose (detected: categorical).'
        },
        { column: 'x', kind: 'date-format', type: 'datetime', message: 'read as dates' }
      ]
    };
    const saved = await store.saveDataset(ipc, { ...meta, report });
    const [listed] = await store.listDatasets();
    expect(listed).toEqual(saved);
    expect(listed).toMatchObject({ report });
    expect('encoding' in (listed as { report: object }).report).toBe(false);
  });
});
