/**
 * Writes test/fixtures/store/v4.json: a database as the store at IndexedDB version 4 leaves it,
 * with records of each kind (datasets, one a re-import with other column types, a feature set,
 * a trained and an imported model, an alias, a setting) and their bytes, made with the app's
 * own code in fake-indexeddb. test/unit/store-migration.test.ts loads it and checks that newer
 * versions open and read every record unchanged. (v3.json was written by this script as it was
 * at version 3: the first dataset, feature set, trained model and alias only.)
 *
 * The fixture must be written by the code of that version, not the current one: run it in a
 * work tree of a commit whose store is at version 4, e.g.
 *   git worktree add /tmp/lathe-v4 <commit> && cp -a node_modules /tmp/lathe-v4/ &&
 *   cd /tmp/lathe-v4 && npx tsx scripts/make-store-fixture.ts <this repo>/test/fixtures/store/v4.json
 * It refuses to run against a store of another version.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tableToIPC } from 'apache-arrow';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { importOnnx } from '../src/lib/app/import-onnx';
import { ingest } from '../src/lib/core/data/ingest';
import { profileTable } from '../src/lib/core/data/profile';
import { evaluateRegression } from '../src/lib/core/evaluate/regression-report';
import { linearModel } from '../src/lib/core/models/linear';
import { packWeights } from '../src/lib/core/models/weights';
import { parseSpec } from '../src/lib/core/pipeline/parse';
import { openStore } from '../src/lib/store';
import { dumpDatabase } from '../test/fixtures/store/codec';

const VERSION = 4;
const out = process.argv[2] ?? 'test/fixtures/store/v4.json';
const factory = new IDBFactory();
const store = await openStore({ factory, name: 'lathe' });

const csv = [
  'island,bill_mm,mass_g,male,zip',
  'Biscoe,39.1,3750,true,00501',
  'Dream,,3800,false,01234',
  'Torgersen,40.3,,true,02110',
  'Biscoe,36.7,3450,,10001',
  'Dream,39.3,3650,false,94105',
  'Biscoe,38.9,3625,true,60601'
].join('\n');
const file = new Blob([csv]);
const { table, report } = await ingest(file, { fileName: 'birds.csv' });
// As workers/ingest.worker.ts saved datasets at this version.
const ipc = tableToIPC(table, 'file');
const dataset = await store.saveDataset(ipc, {
  name: 'birds',
  source: { kind: 'file', fileName: 'birds.csv' },
  schema: report.columns,
  rows: table.numRows,
  profile: profileTable(table),
  report,
  // The SHA-256 of the CSV text's bytes, as core/data/identity.ts takes it from the file.
  sourceHash: 'c5'.repeat(32)
});

// The same file read again with "male" as a category: the next version of that dataset.
const retyped = await ingest(new Blob([csv]), {
  fileName: 'birds.csv',
  columnTypes: { male: 'categorical' }
});
await store.saveDataset(tableToIPC(retyped.table, 'file'), {
  name: 'birds',
  source: { kind: 'file', fileName: 'birds.csv' },
  schema: retyped.report.columns,
  rows: retyped.table.numRows,
  profile: profileTable(retyped.table),
  report: retyped.report,
  sourceHash: 'c5'.repeat(32),
  columnTypes: { male: 'categorical' },
  replaces: dataset.id
});

const spec = parseSpec({
  version: 1,
  name: 'birds mass',
  source: { kind: 'file', hash: dataset.hash, name: 'birds', fileName: 'birds.csv' },
  target: 'mass_g',
  task: 'regression',
  split: { method: 'random', seed: 42, train: 0.5, validation: 0.25, test: 0.25 },
  steps: [
    { type: 'impute', columns: ['bill_mm'], strategy: 'median' },
    { type: 'scale', columns: ['bill_mm'], method: 'standard' }
  ],
  seed: 42,
  model: { type: 'linear' },
  train: { epochs: 3 }
});
const split = (from: number, to: number) => {
  const part = table.slice(from, to).select(['bill_mm', 'mass_g']);
  return { ipc: tableToIPC(part, 'file'), rows: part.numRows };
};
const hex = (n: number) => n.toString(16).padStart(64, '0');
const featureSet = await store.saveFeatureSet(
  { train: split(0, 3), validation: split(3, 4), test: split(4, 6) },
  {
    id: hex(0xf5),
    name: 'birds · 2 steps',
    datasetHash: dataset.hash,
    datasetName: dataset.name,
    specHash: hex(0x5bec),
    spec: JSON.parse(JSON.stringify(spec)),
    engineVersion: '1',
    schema: [
      { name: 'bill_mm', type: 'float' },
      { name: 'mass_g', type: 'integer' }
    ],
    states: [{ fill: [39.1] }, { mean: [38.8], scale: [1.2] }],
    droppedRows: 1,
    millis: 4
  }
);

const network = linearModel.network(1, 1, 'regression', { l2: 0 });
const { bytes, manifest } = packWeights([
  { name: 'layer0/kernel', shape: [1, 1], values: Float32Array.from([112.5]) },
  { name: 'layer0/bias', shape: [1], values: Float32Array.from([3680]) }
]);
const test = evaluateRegression(Float64Array.from([3650, 3625]), Float64Array.from([3700, 3600]));
const model = await store.saveModel(bytes, {
  name: 'birds · linear',
  featureSetId: featureSet.id,
  datasetHash: dataset.hash,
  specHash: featureSet.specHash,
  spec: JSON.parse(JSON.stringify(spec)),
  modelType: 'linear',
  task: 'regression',
  classes: null,
  featureNames: ['bill_mm'],
  manifest,
  network: JSON.parse(JSON.stringify(network)),
  status: 'completed',
  bestEpoch: 2,
  history: [1, 2, 3].map((epoch) => ({
    epoch,
    loss: 1 / epoch,
    valLoss: epoch === 1 ? null : 1.5 / epoch,
    valMetric: epoch === 1 ? null : 40 / epoch,
    metric: 'rmse',
    best: epoch === 2,
    seconds: epoch * 0.1,
    samplesPerSecond: 3000
  })),
  backend: { name: 'cpu', choice: { reason: 'asked for cpu' }, fallback: null },
  seed: 42,
  durationMs: 321,
  metrics: { test: JSON.parse(JSON.stringify(test)) },
  notes: 'written by scripts/make-store-fixture.ts'
});
await store.setAlias('production', model.id);
// An ONNX file made elsewhere (skl2onnx), imported as a version with no training lineage.
const onnx = readFileSync('test/fixtures/onnx-import/elsewhere-classifier.onnx');
await importOnnx(store, { file: new Blob([onnx]), fileName: 'iris.onnx' });
await store.putSetting('backend.calibration', {
  key: 'node|fake-indexeddb',
  best: 'cpu',
  trials: [{ backend: 'cpu', samplesPerSecond: 16000 }]
});
store.close();

const dump = await dumpDatabase(factory, 'lathe');
if (dump.version !== VERSION) {
  throw new Error(
    `The store here is at IndexedDB version ${dump.version}; this script writes the version-${VERSION} fixture. Run it in a work tree of a version-${VERSION} commit (see the top of this file).`
  );
}
writeFileSync(out, JSON.stringify(dump, null, 1) + '\n');
console.log(`wrote ${out}: ${dump.stores.map((s) => `${s.name} ${s.entries.length}`).join(', ')}`);
