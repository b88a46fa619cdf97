import 'fake-indexeddb/auto';
import * as arrow from 'apache-arrow';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LatheError } from '../../src/lib/core/base/errors';
import { sha256Hex } from '../../src/lib/core/base/hash';
import {
  openStore,
  type PredictionBatchMeta,
  type PredictionBatchRecord,
  type Store
} from '../../src/lib/store';
import { patchPut as patchEveryPut, rawKeys, rawPut } from '../fixtures/store/raw';

const NAME = 'lathe-predictions-test';
const MODEL_A = 'a'.repeat(64);
const MODEL_B = 'b'.repeat(64);
const ONNX = 'c'.repeat(64);
const DAY = 24 * 60 * 60 * 1000;

const opened: Store[] = [];
const restores: (() => void)[] = [];

const patchPut = (replacement: Parameters<typeof patchEveryPut>[0]) =>
  restores.push(patchEveryPut(replacement));
afterEach(() => {
  restores.splice(0).forEach((restore) => restore());
  opened.splice(0).forEach((store) => store.close());
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

async function freshStore(factory = new IDBFactory()) {
  const store = await openStore({ factory, name: NAME });
  opened.push(store);
  return store;
}

/** A classifier's batch: two raw inputs, the label and one probability per class. */
function batch(rows: number, seed = 0) {
  const bill = Float64Array.from({ length: rows }, (_, i) => 30 + i + seed / 10);
  const islands = Array.from({ length: rows }, (_, i) => ['Biscoe', 'Dream', ''][(i + seed) % 3]);
  const p = Float64Array.from({ length: rows }, (_, i) => ((i + seed) % 10) / 10);
  const table = new arrow.Table({
    bill_mm: arrow.makeVector(bill),
    island: arrow.vectorFromArray(islands, new arrow.Utf8()),
    label: arrow.vectorFromArray(
      Array.from(p, (x) => (x >= 0.5 ? 'yes' : 'no')),
      new arrow.Utf8()
    ),
    p_no: arrow.makeVector(Float64Array.from(p, (x) => 1 - x)),
    p_yes: arrow.makeVector(p)
  });
  return { table, bill, islands, p };
}

function meta(
  modelId = MODEL_A,
  time?: number,
  version = 2
): PredictionBatchMeta & { time?: number } {
  return {
    model: { id: modelId, version, onnxHash: ONNX },
    source: { kind: 'batch', sourceHash: 'd'.repeat(64), fileName: 'new birds.csv' },
    columns: [
      { role: 'input', name: 'bill_mm' },
      { role: 'input', name: 'island' },
      { role: 'label', name: 'label' },
      { role: 'probability', name: 'p_no', class: 'no' },
      { role: 'probability', name: 'p_yes', class: 'yes' }
    ],
    ...(time === undefined ? {} : { time })
  };
}

async function rejection(promise: Promise<unknown>): Promise<LatheError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(LatheError);
  return error as LatheError;
}

const readable = (list: Awaited<ReturnType<Store['listPredictionBatches']>>) =>
  list.filter((r): r is PredictionBatchRecord => !('unreadable' in r));
const times = (list: Awaited<ReturnType<Store['listPredictionBatches']>>) =>
  readable(list).map((r) => r.time);

/** Logs batches of these sizes at these times, oldest first. */
async function logAt(store: Store, batches: [rows: number, time: number][], modelId = MODEL_A) {
  const records: PredictionBatchRecord[] = [];
  for (const [rows, time] of batches) {
    records.push(
      (await store.logPredictions({ table: batch(rows).table, meta: meta(modelId, time) })).record
    );
  }
  return records;
}

describe('prediction log', () => {
  it('round-trips a batch: row ids, raw inputs and outputs as written', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    const first = batch(3);
    const logged = await store.logPredictions({ table: first.table, meta: meta(MODEL_A, 1000) });
    expect(logged.dropped).toEqual({ batches: 0, rows: 0 });
    expect(logged.quota).toBeNull();
    const { record } = logged;

    const bytes = await store.loadPredictionBatch(record.id);
    expect(record).toMatchObject({
      schema: 1,
      time: 1000,
      modelId: MODEL_A,
      modelVersion: 2,
      onnxHash: ONNX,
      source: { kind: 'batch', sourceHash: 'd'.repeat(64), fileName: 'new birds.csv' },
      rows: 3,
      firstRow: 0,
      bytes: bytes.byteLength,
      hash: await sha256Hex(bytes)
    });
    expect(record.columns).toEqual([{ role: 'row', name: 'row_id' }, ...meta().columns]);
    expect(await rawKeys(factory, NAME, 'blobs')).toEqual([record.hash]);

    const back = arrow.tableFromIPC(bytes);
    expect(back.schema.fields.map((f) => f.name)).toEqual([
      'row_id',
      'bill_mm',
      'island',
      'label',
      'p_no',
      'p_yes'
    ]);
    expect(back.getChild('row_id')?.type).toMatchObject({ typeId: arrow.Type.Int, bitWidth: 64 });
    expect(Array.from(back.getChild('row_id')!)).toEqual([0n, 1n, 2n]);
    expect(back.getChild('bill_mm')?.toArray()).toEqual(Float64Array.from([30, 31, 32]));
    expect(back.getChild('island')?.toArray()).toEqual(['Biscoe', 'Dream', '']);
    // p = 0, 0.1, 0.2: every label "no".
    expect(back.getChild('label')?.toArray()).toEqual(['no', 'no', 'no']);
    expect(back.getChild('p_yes')?.toArray()).toEqual(Float64Array.from([0, 0.1, 0.2]));
    // The caller's table is left as it was.
    expect(first.table.schema.fields.map((f) => f.name)).toEqual([
      'bill_mm',
      'island',
      'label',
      'p_no',
      'p_yes'
    ]);

    // As IPC bytes, one form row: its id follows the first batch's three.
    const row = batch(1, 7);
    const form = await store.logPredictions({
      table: arrow.tableToIPC(row.table, 'file'),
      meta: { ...meta(MODEL_A, 2000), source: { kind: 'form' } }
    });
    expect(form.record).toMatchObject({ rows: 1, firstRow: 3, source: { kind: 'form' } });
    const formBack = arrow.tableFromIPC(await store.loadPredictionBatch(form.record.id));
    expect(Array.from(formBack.getChild('row_id')!)).toEqual([3n]);
    expect(formBack.getChild('bill_mm')?.toArray()).toEqual(Float64Array.from([30.7]));
    expect(formBack.getChild('island')?.toArray()).toEqual(['Dream']);
  });

  it('names the row id column around a raw input already called row_id', async () => {
    const store = await freshStore();
    const table = new arrow.Table({
      row_id: arrow.vectorFromArray(['r1', 'r2'], new arrow.Utf8()),
      prediction: arrow.makeVector(Float64Array.from([1.5, 2.5]))
    });
    const { record } = await store.logPredictions({
      table,
      meta: {
        model: { id: MODEL_A, version: 1, onnxHash: ONNX },
        source: { kind: 'widget', origin: 'https://example.org' },
        columns: [
          { role: 'input', name: 'row_id' },
          { role: 'prediction', name: 'prediction' }
        ]
      }
    });
    expect(record.columns[0]).toEqual({ role: 'row', name: 'row_id_1' });
    const back = arrow.tableFromIPC(await store.loadPredictionBatch(record.id));
    expect(back.getChild('row_id')?.toArray()).toEqual(['r1', 'r2']);
    expect(Array.from(back.getChild('row_id_1')!)).toEqual([0n, 1n]);
  });

  it('refuses a batch whose columns do not match what it says of them, logging nothing', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    const { table } = batch(2);
    const noLabel = { ...meta(), columns: meta().columns.filter((c) => c.name !== 'label') };
    const error = await rejection(store.logPredictions({ table, meta: noLabel }));
    expect(error).toMatchObject({ code: 'INVALID_PREDICTIONS' });
    expect(error.message).toContain('column "label" is neither an input nor an output');
    const extra = { ...meta(), columns: [...meta().columns, { role: 'input', name: 'sex' }] };
    await expect(
      store.logPredictions({ table, meta: extra as PredictionBatchMeta })
    ).rejects.toMatchObject({ message: expect.stringContaining('no column "sex"') });
    await expect(
      store.logPredictions({ table: batch(0).table, meta: meta() })
    ).rejects.toMatchObject({ message: expect.stringContaining('no rows') });
    await expect(
      store.logPredictions({ table: new Uint8Array([1, 2, 3]), meta: meta() })
    ).rejects.toMatchObject({ code: 'INVALID_PREDICTIONS' });
    await expect(
      store.logPredictions({ table, meta: { ...meta(), model: { ...meta().model, id: 'x' } } })
    ).rejects.toMatchObject({
      code: 'INVALID_PREDICTIONS',
      message: expect.stringContaining('modelId')
    });
    expect(await store.listPredictionBatches()).toEqual([]);
    expect(await rawKeys(factory, NAME, 'blobs')).toEqual([]);
  });

  it('filters by model and time (inclusive), newest first', async () => {
    const store = await freshStore();
    await logAt(store, [
      [2, 1000],
      [2, 3000]
    ]);
    await logAt(store, [[2, 2000]], MODEL_B);
    expect(times(await store.listPredictionBatches())).toEqual([3000, 2000, 1000]);
    expect(times(await store.listPredictionBatches({ modelId: MODEL_A }))).toEqual([3000, 1000]);
    expect(times(await store.listPredictionBatches({ modelId: MODEL_B }))).toEqual([2000]);
    expect(times(await store.listPredictionBatches({ from: 2000 }))).toEqual([3000, 2000]);
    expect(times(await store.listPredictionBatches({ to: 2000 }))).toEqual([2000, 1000]);
    expect(times(await store.listPredictionBatches({ from: 1001, to: 2999 }))).toEqual([2000]);
    expect(times(await store.listPredictionBatches({ modelId: MODEL_A, to: 2999 }))).toEqual([
      1000
    ]);
    expect(
      times(await store.listPredictionBatches({ modelId: MODEL_A, from: 1000, to: 3000 }))
    ).toEqual([3000, 1000]);
    expect(await store.listPredictionBatches({ modelId: 'e'.repeat(64) })).toEqual([]);
  });

  it('deletes by id and by filter, with their bytes', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    const [a1, a2] = await logAt(store, [
      [1, 1000],
      [2, 2000]
    ]);
    const [b1] = await logAt(store, [[3, 3000]], MODEL_B);
    const [a3] = await logAt(store, [[4, 4000]]);

    expect(await store.deletePredictionBatches({ ids: [a2.id, 'no-such-id'] })).toBe(1);
    expect(times(await store.listPredictionBatches())).toEqual([4000, 3000, 1000]);
    await expect(store.loadPredictionBatch(a2.id)).rejects.toMatchObject({
      code: 'PREDICTIONS_NOT_FOUND'
    });

    expect(await store.deletePredictionBatches({ modelId: MODEL_A, to: 1000 })).toBe(1);
    expect((await rawKeys(factory, NAME, 'blobs')).sort()).toEqual([b1.hash, a3.hash].sort());
    expect(a1.hash).not.toBe(a3.hash);

    // Row ids go on from the sequence, never reused after a delete.
    const [next] = await logAt(store, [[1, 5000]]);
    expect(next.firstRow).toBe(1 + 2 + 3 + 4);

    expect(await store.deletePredictionBatches({})).toBe(3);
    expect(await store.listPredictionBatches()).toEqual([]);
    expect(await rawKeys(factory, NAME, 'blobs')).toEqual([]);
  });

  it('takes row ids past every logged row when the sequence setting is lost', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    await logAt(store, [
      [3, 1000],
      [4, 2000]
    ]);
    await rawPut(factory, NAME, 'settings', 'damaged', 'predictions.nextRow');
    const [next] = await logAt(store, [[1, 3000]]);
    expect(next.firstRow).toBe(3 + 4);
  });

  it('keeps a blob a saved dataset shares when its batch is deleted', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    const [logged] = await logAt(store, [[2, 1000]]);
    // As if the exported batch had been imported as a dataset, byte for byte.
    await rawPut(factory, NAME, 'datasets', { id: logged.hash });
    await store.deletePredictionBatches({ ids: [logged.id] });
    expect(await rawKeys(factory, NAME, 'blobs')).toEqual([logged.hash]);
  });
});

describe('prediction log retention', () => {
  it('by rows: drops the oldest whole batches until the rest fit, never the newest', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    expect(await store.getPredictionRetention()).toEqual({});
    const [r5, r3, r4] = await logAt(store, [
      [5, 1000],
      [3, 2000],
      [4, 3000]
    ]);
    // 5 + 3 + 4 = 12 rows > 8: the oldest (5) goes, leaving 3 + 4 = 7.
    expect(await store.setPredictionRetention({ maxRows: 8 })).toEqual({ batches: 1, rows: 5 });
    expect(await store.getPredictionRetention()).toEqual({ maxRows: 8 });
    expect(times(await store.listPredictionBatches())).toEqual([3000, 2000]);
    expect(await rawKeys(factory, NAME, 'blobs')).not.toContain(r5.hash);

    // A 2-row batch: 3 + 4 + 2 = 9 > 8, the 3 goes, leaving 6.
    const logged = await store.logPredictions({ table: batch(2).table, meta: meta(MODEL_A, 4000) });
    expect(logged.dropped).toEqual({ batches: 1, rows: 3 });
    expect(times(await store.listPredictionBatches())).toEqual([4000, 3000]);
    expect((await rawKeys(factory, NAME, 'blobs')).sort()).toEqual(
      [r4.hash, logged.record.hash].sort()
    );
    expect(r3.hash).not.toBe(r4.hash);

    // A batch larger than the cap on its own stays, alone.
    const big = await store.logPredictions({ table: batch(9).table, meta: meta(MODEL_B, 5000) });
    expect(big.dropped).toEqual({ batches: 2, rows: 6 });
    expect(times(await store.listPredictionBatches())).toEqual([5000]);
  });

  it('by days: drops batches older than the cap, counted from now', async () => {
    const now = 100 * DAY;
    const store = await freshStore();
    await logAt(store, [
      [1, now - 9 * DAY],
      [1, now - 5 * DAY],
      [1, now - 2 * DAY],
      [1, now - DAY / 2]
    ]);
    vi.spyOn(Date, 'now').mockReturnValue(now);
    // The cutoff is now − 3 days: the batches of 9 and 5 days ago go.
    expect(await store.setPredictionRetention({ maxDays: 3 })).toEqual({ batches: 2, rows: 2 });
    expect(times(await store.listPredictionBatches())).toEqual([now - DAY / 2, now - 2 * DAY]);

    // Two days later, on the next write, the cutoff is day 99: the batch of day 98 goes.
    vi.spyOn(Date, 'now').mockReturnValue(now + 2 * DAY);
    const logged = await store.logPredictions({ table: batch(1).table, meta: meta() });
    expect(logged.record.time).toBe(now + 2 * DAY);
    expect(logged.dropped).toEqual({ batches: 1, rows: 1 });
    expect(times(await store.listPredictionBatches())).toEqual([now + 2 * DAY, now - DAY / 2]);
  });

  it('by rows and days together, each dropping what it caps', async () => {
    const now = 50 * DAY;
    vi.spyOn(Date, 'now').mockReturnValue(now);
    const store = await freshStore();
    await logAt(store, [
      [1, now - 10 * DAY],
      [4, now - 3 * DAY],
      [4, now - 2 * DAY],
      [4, now - DAY]
    ]);
    // Days cap the 10-day-old one; rows (13 → 12 after it, > 10) the 3-day-old 4 too.
    expect(await store.setPredictionRetention({ maxRows: 10, maxDays: 7 })).toEqual({
      batches: 2,
      rows: 5
    });
    expect(times(await store.listPredictionBatches())).toEqual([now - DAY, now - 2 * DAY]);
  });

  it('refuses caps that are not positive numbers, keeping the ones before', async () => {
    const store = await freshStore();
    await store.setPredictionRetention({ maxRows: 100 });
    for (const bad of [{ maxRows: 0 }, { maxRows: 1.5 }, { maxDays: -1 }, { maxDays: NaN }]) {
      await expect(store.setPredictionRetention(bad)).rejects.toMatchObject({
        code: 'INVALID_SETTING'
      });
    }
    await expect(
      store.setPredictionRetention({ maxRows: 5, keep: 'all' } as never)
    ).rejects.toMatchObject({ code: 'INVALID_SETTING' });
    expect(await store.getPredictionRetention()).toEqual({ maxRows: 100 });
    expect(await store.setPredictionRetention({})).toEqual({ batches: 0, rows: 0 });
    expect(await store.getPredictionRetention()).toEqual({});
  });
});

describe('prediction log failures', () => {
  it('lists a damaged record as unreadable, still lists and deletes the rest', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    const [good] = await logAt(store, [[2, 1000]]);
    await rawPut(factory, NAME, 'predictions', {
      ...good,
      id: 'newer-layout',
      schema: 2,
      time: 2000
    });
    await rawPut(factory, NAME, 'predictions', { id: 'no-time', rows: 'many' });

    const all = await store.listPredictionBatches();
    expect(all[0]).toEqual(good);
    expect(all.slice(1)).toEqual([
      expect.objectContaining({
        id: 'newer-layout',
        unreadable: true,
        reason: expect.stringContaining('schema')
      }),
      expect.objectContaining({ id: 'no-time', unreadable: true })
    ]);
    // Through the time index, the one without a time is not there at all.
    expect((await store.listPredictionBatches({ from: 0 })).map((r) => r.id)).toEqual([
      good.id,
      'newer-layout'
    ]);
    await expect(store.loadPredictionBatch('newer-layout')).rejects.toMatchObject({
      code: 'PREDICTIONS_NOT_FOUND'
    });
    // The damaged one's blob key is not trusted: deleting it leaves the good batch's bytes.
    expect(await store.deletePredictionBatches({ ids: ['newer-layout', 'no-time'] })).toBe(2);
    expect(await store.listPredictionBatches()).toEqual([good]);
    expect(await rawKeys(factory, NAME, 'blobs')).toEqual([good.hash]);
    // Retention counts only the readable ones and still runs next to a damaged record.
    await rawPut(factory, NAME, 'predictions', { id: 'junk' });
    expect((await logAt(store, [[1, 3000]]))[0].firstRow).toBe(2);
  });

  it('rejects bytes that no longer match their hash', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    const [logged] = await logAt(store, [[2, 1000]]);
    await rawPut(factory, NAME, 'blobs', new Blob([new Uint8Array([1, 2, 3])]), logged.hash);
    const error = await rejection(store.loadPredictionBatch(logged.id));
    expect(error.code).toBe('CORRUPT_DATASET');
    expect(error.message).toContain('the 2 logged predictions of 1970-01-01T00:00:01.000Z');
  });

  it('leaves no half-written batch when the transaction aborts (the tab closed)', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    await store.setPredictionRetention({ maxRows: 3 });
    const [kept] = await logAt(store, [[2, 1000]]);
    let blobWritten = false;
    patchPut(function (original, value, key) {
      if (this.name === 'blobs') blobWritten = true;
      if (this.name === 'predictions') this.transaction.abort();
      return original.call(this, value, key);
    });
    // 2 + 2 rows > 3 would drop the kept batch: aborted, that is undone too.
    const error = await rejection(
      store.logPredictions({ table: batch(2).table, meta: meta(MODEL_A, 2000) })
    );
    expect(blobWritten).toBe(true);
    expect(error.code).toBe('STORE_WRITE_FAILED');
    restores.splice(0).forEach((restore) => restore());

    expect(await store.listPredictionBatches()).toEqual([kept]);
    expect(await rawKeys(factory, NAME, 'blobs')).toEqual([kept.hash]);
    // Nor did the row sequence move on.
    const [after] = await logAt(store, [[1, 3000]]);
    expect(after.firstRow).toBe(2);
  });

  it('says which predictions of which model were not logged when the quota is full', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    const [kept] = await logAt(store, [[1, 1000]]);
    vi.stubGlobal('navigator', {
      storage: { estimate: async () => ({ usage: 10_000_000, quota: 10_000_000 }) }
    });
    patchPut(function (original, value, key) {
      if (this.name === 'blobs') {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return original.call(this, value, key);
    });
    const { table } = batch(1234);
    const error = await rejection(store.logPredictions({ table, meta: meta(MODEL_B, 2000, 7) }));
    expect(error.code).toBe('QUOTA_EXCEEDED');
    expect(error.message).toMatch(
      /^The 1,234 predictions of model v7 \(bbbbbbbbbbbb…\) were not logged: the browser's storage has no room for them \(\d+ KB\)\. This site uses 10 MB of the 10 MB the browser allows \(0 B available\)\./
    );
    expect(error.message).toContain('The predictions themselves are unaffected');
    expect(error.details).toMatchObject({ rows: 1234, modelId: MODEL_B, modelVersion: 7 });
    // The caller's predictions are intact; the log holds what it held.
    expect(table.numRows).toBe(1234);
    expect(table.getChild('p_yes')?.get(1233)).toBe(0.3);
    restores.splice(0).forEach((restore) => restore());
    expect(await store.listPredictionBatches()).toEqual([kept]);
    expect(await rawKeys(factory, NAME, 'blobs')).toEqual([kept.hash]);
  });

  it('warns with the write when the site nears its storage quota', async () => {
    const store = await freshStore();
    const estimate = vi.fn(async () => ({ usage: 700, quota: 1000 }));
    vi.stubGlobal('navigator', { storage: { estimate } });
    const first = await store.logPredictions({ table: batch(2).table, meta: meta() });
    expect(first.quota).toBeNull();
    estimate.mockResolvedValue({ usage: 850, quota: 1000 });
    const second = await store.logPredictions({ table: batch(3).table, meta: meta() });
    expect(second.quota).toEqual({
      usage: 850,
      quota: 1000,
      logBytes: first.record.bytes + second.record.bytes
    });
  });
});
