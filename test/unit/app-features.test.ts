/**
 * The orchestration the ingest, features and export workers run, on a real store
 * (fake-indexeddb): what they save is what the core functions compute.
 */
import 'fake-indexeddb/auto';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { exportCsv } from '../../src/lib/app/export';
import { buildFeatureSet, DatasetFrames, previewFeatures } from '../../src/lib/app/features';
import { ingestAndSave } from '../../src/lib/app/ingest';
import { ingest } from '../../src/lib/core/data/ingest';
import { frameToTable } from '../../src/lib/core/features/convert';
import { fitPipeline } from '../../src/lib/core/features/pipeline';
import { sha256Hex } from '../../src/lib/core/base/hash';
import type { Progress } from '../../src/lib/core/base/progress';
import { parseSpec } from '../../src/lib/core/pipeline/parse';
import { openStore, type Store } from '../../src/lib/store';
import { PENGUINS_CSV, penguinSpec } from '../fixtures/app/penguins';

const opened: Store[] = [];
afterEach(() => opened.splice(0).forEach((s) => s.close()));

async function freshStore(): Promise<Store> {
  const store = await openStore({ factory: new IDBFactory(), name: 'lathe-app-features' });
  opened.push(store);
  return store;
}

const penguinsFile = () => ({
  input: { kind: 'file' as const, file: new Blob([PENGUINS_CSV]), fileName: 'penguins.csv' }
});

describe('ingestAndSave', () => {
  it('reads, profiles and saves a file, reporting each phase in order', async () => {
    const store = await freshStore();
    const seen: Progress[] = [];
    const { record, ipc } = await ingestAndSave(store, penguinsFile(), {
      onProgress: (p) => seen.push(p)
    });
    expect(record).toMatchObject({ name: 'penguins', rows: 344, source: { kind: 'file' } });
    expect(record.hash).toBe(await sha256Hex(ipc));
    expect(await store.loadDatasetBytes(record.id)).toEqual(ipc);
    const phases = [...new Set(seen.map((p) => p.phase))];
    expect(phases).toEqual(['Reading rows', 'Profiling columns', 'Saving to this browser']);
    const fractions = seen.map((p) => p.fraction ?? 0);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });

  it('saves nothing when cancelled', async () => {
    const store = await freshStore();
    const error = await ingestAndSave(store, penguinsFile(), { signal: AbortSignal.abort() }).catch(
      (e: unknown) => e
    );
    expect(error).toMatchObject({ code: 'CANCELLED' });
    expect(await store.listDatasets()).toEqual([]);
  });
});

describe('buildFeatureSet and previewFeatures', () => {
  it('saves exactly the splits fitPipeline computes, and reuses them for the same spec', async () => {
    const store = await freshStore();
    const { record: dataset } = await ingestAndSave(store, penguinsFile());
    const spec = penguinSpec(dataset.hash);
    const seen: Progress[] = [];
    const built = await buildFeatureSet(
      store,
      new DatasetFrames(),
      { datasetId: dataset.id, spec },
      { onProgress: (p) => seen.push(p) }
    );
    expect(built.reused).toBe(false);
    const fitted = await fitPipeline(
      tableFromIPC(await store.loadDatasetBytes(dataset.id)),
      parseSpec(spec)
    );
    for (const name of ['train', 'validation', 'test'] as const) {
      const stored = await store.loadFeatureSplit(built.record.id, name);
      expect(stored).toEqual(tableToIPC(frameToTable(fitted.splits[name]), 'file'));
      expect(built.record.splits[name].rows).toBe(fitted.splits[name].rows);
    }
    expect(built.record.states).toEqual(fitted.states);
    expect(built.record).toMatchObject({ datasetName: 'penguins', spec: parseSpec(spec) });
    expect(seen.some((p) => p.phase === 'Fitting' && p.count?.unit === 'steps')).toBe(true);
    expect(seen.at(-1)).toMatchObject({ phase: 'Saved', fraction: 1 });

    const again = await buildFeatureSet(store, new DatasetFrames(), {
      datasetId: dataset.id,
      spec
    });
    expect(again).toEqual({ record: built.record, reused: true });

    const preview = await previewFeatures(store, new DatasetFrames(), {
      datasetId: dataset.id,
      spec
    });
    expect(preview.steps).toHaveLength(spec.steps.length);
    expect(preview.fittedRows).toBe(fitted.splits.train.rows);
    expect(preview.error).toBeUndefined();
  });

  it('refuses a spec written for another dataset, and a cancelled build saves nothing', async () => {
    const store = await freshStore();
    const { record: dataset } = await ingestAndSave(store, penguinsFile());
    const other = penguinSpec('f'.repeat(64));
    await expect(
      buildFeatureSet(store, new DatasetFrames(), { datasetId: dataset.id, spec: other })
    ).rejects.toMatchObject({ code: 'SPEC_INVALID', details: { expected: 'f'.repeat(64) } });
    await expect(
      buildFeatureSet(
        store,
        new DatasetFrames(),
        { datasetId: dataset.id, spec: penguinSpec(dataset.hash) },
        { signal: AbortSignal.abort() }
      )
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await store.listFeatureSets()).toEqual([]);
  });
});

describe('exportCsv', () => {
  it('writes the stored table as CSV that reads back to the same table', async () => {
    const store = await freshStore();
    const { record } = await ingestAndSave(store, penguinsFile());
    const seen: Progress[] = [];
    const blob = await exportCsv(
      store,
      { datasetId: record.id },
      { onProgress: (p) => seen.push(p) }
    );
    const { table } = await ingest(blob, { fileName: 'export.csv' });
    const original = tableFromIPC(await store.loadDatasetBytes(record.id));
    expect(table.numRows).toBe(344);
    expect(table.schema.fields.map((f) => f.name)).toEqual(
      original.schema.fields.map((f) => f.name)
    );
    expect(table.getChild('Body Mass (g)')!.toArray()).toEqual(
      original.getChild('Body Mass (g)')!.toArray()
    );
    expect(seen.at(-1)).toMatchObject({ fraction: 1, count: { done: 344, total: 344 } });
  });
});
