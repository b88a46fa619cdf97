// Writes test/fixtures/onnx/: one exported model per bundled sample and per model kind × task,
// and one pipeline using every exportable step kind, each trained through the real path (spec →
// feature pipeline → training on tfjs cpu) and exported by the app's own export (lowering, the
// check against the app's predictions on the validation and test rows, the metadata). Beside
// each file, `<name>.expected.json` holds fixed raw input rows (the first test rows, as the
// graph's inputs take them) and what the app's own path (apply, then tfjs) gives for them.
// Run: npx tsx scripts/make-onnx-fixtures.ts && python3 scripts/check-onnx-fixtures.py
import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { tableToIPC } from 'apache-arrow';
import { exportAndVerify } from '../src/lib/app/onnx';
import { sha256Hex } from '../src/lib/core/base/hash';
import type { Json } from '../src/lib/core/base/json';
import { LATHE_VERSION } from '../src/lib/core/base/version';
import { ingest } from '../src/lib/core/data/ingest';
import { argmaxRows } from '../src/lib/core/evaluate/predict';
import { tableToFrame, takeRows } from '../src/lib/core/features/convert';
import { featureSetKey, pipelineHash } from '../src/lib/core/features/engine';
import type { Frame } from '../src/lib/core/features/frame';
import { applyPipeline, fitPipeline, splitFrame } from '../src/lib/core/features/pipeline';
import { featureMatrix } from '../src/lib/core/models/data';
import { predict } from '../src/lib/core/models/predict';
import { probabilityMatrix, runTraining } from '../src/lib/core/models/run';
import { packWeights } from '../src/lib/core/models/weights';
import { parseSpec } from '../src/lib/core/pipeline/parse';
import type { ModelSpec, PipelineSpec, StepSpec } from '../src/lib/core/spec/types';

const root = join(import.meta.dirname, '..');
const out = join(root, 'test/fixtures/onnx');
/** Rows of the test split kept as fixed inputs. */
const ROWS = 40;

const FIXTURES: {
  name: string;
  spec: string;
  sample: string;
  extraSteps?: StepSpec[];
  model?: ModelSpec;
}[] = [
  {
    name: 'breast-cancer-logistic',
    spec: 'breast-cancer-diagnosis.json',
    sample: 'breast-cancer.csv'
  },
  {
    name: 'breast-cancer-mlp',
    spec: 'breast-cancer-diagnosis.json',
    sample: 'breast-cancer.csv',
    model: { type: 'mlp', hiddenLayers: [16], activation: 'relu' }
  },
  { name: 'wine-mlp', spec: 'wine-cultivar.json', sample: 'wine.csv' },
  { name: 'penguins-logistic', spec: 'penguins-species.json', sample: 'penguins.csv' },
  {
    name: 'cars-linear',
    spec: 'cars-mpg.json',
    sample: 'cars.csv',
    extraSteps: [{ type: 'drop', columns: ['Year'] }]
  },
  { name: 'cars-mlp', spec: 'cars-by-year.json', sample: 'cars.csv' },
  { name: 'cars-every-step', spec: 'cars-every-step.json', sample: 'cars.csv' }
];

/** A raw column's values as JSON, the way the graph input takes them (null = missing). */
function inputValues(frame: Frame, name: string): (number | string | null)[] {
  const column = frame.columns.find((c) => c.name === name)!;
  if (column.kind === 'category') {
    return Array.from(column.codes, (c) => (c < 0 ? '' : column.dictionary[c]));
  }
  return Array.from(column.values, (x) => (Number.isNaN(x) ? null : x));
}

await tf.setBackend('cpu');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

for (const fixture of FIXTURES) {
  const spec: PipelineSpec = parseSpec({
    ...JSON.parse(readFileSync(join(root, 'test/fixtures/pipelines', fixture.spec), 'utf8')),
    ...(fixture.model ? { model: fixture.model } : {})
  });
  spec.steps.push(...(fixture.extraSteps ?? []));
  spec.train = { ...spec.train, backend: 'cpu' };
  const bytes = readFileSync(join(root, 'public/samples', fixture.sample));
  const { table } = await ingest(new Blob([bytes]), { fileName: fixture.sample });
  const ipc = tableToIPC(table, 'file');
  const fitted = await fitPipeline(table, spec);
  const run = await runTraining(fitted.splits, spec, { backend: { candidates: ['cpu'] } });
  if (run.result.status === 'failed') throw new Error(`${fixture.name}: ${run.result.reason}`);
  const trained = run.result;
  const model = { network: trained.network, weights: trained.weights, classes: run.classes };
  const featureSet = {
    id: await featureSetKey(spec.source.hash, spec),
    datasetHash: spec.source.hash,
    datasetName: spec.source.name,
    specHash: await pipelineHash(spec),
    states: fitted.states
  };
  const exported = await exportAndVerify(
    { loadDatasetBytes: async () => ipc },
    {
      featureSet,
      spec,
      trainSplit: fitted.splits.train,
      model,
      features: run.features,
      modelType: spec.model?.type ?? trained.network.kind,
      backend: trained.backend
    },
    { runtime: {}, producerVersion: LATHE_VERSION }
  );
  const file = exported.file({
    name: fixture.name,
    version: 1,
    modelHash: await sha256Hex(packWeights(trained.weights).bytes)
  });
  writeFileSync(join(out, `${fixture.name}.onnx`), file.bytes);

  // The first test rows a split keeps, raw, and the app's own predictions for them.
  const raw = tableToFrame(table);
  const testRows = takeRows(raw, splitFrame(raw, spec).indices.test);
  const kept = (await applyPipeline(testRows, spec, fitted.states)).rowIds!;
  const rows = Math.min(ROWS, kept.length);
  const sample = takeRows(testRows, kept.subarray(0, rows));
  const applied = await applyPipeline(sample, spec, fitted.states, { inference: true });
  const predicted = await predict(model, featureMatrix(applied.frame, run.features));
  const inputs = Object.fromEntries(
    exported.lowered.inputs.map((field) => [
      field.name,
      { elementType: field.elementType, values: inputValues(sample, field.name) }
    ])
  );
  let outputs: Record<string, Json>;
  if (run.classes) {
    const k = run.classes.length;
    const proba = probabilityMatrix(predicted, rows, k);
    const matrix = Array.from({ length: rows }, (_, i) =>
      Array.from(proba.subarray(i * k, i * k + k))
    );
    const label = Array.from(argmaxRows(proba, rows, k), (c) => run.classes![c]);
    outputs = { label, probabilities: matrix };
  } else {
    outputs = { prediction: Array.from(predicted, (v) => [v]) };
  }
  writeFileSync(
    join(out, `${fixture.name}.expected.json`),
    JSON.stringify({ rows, inputs, outputs }) + '\n'
  );
  const checks = Object.entries(exported.verification)
    .map(([split, v]) => `${split} ${v.rows} rows worst ${v.worst.toExponential(1)}`)
    .join(', ');
  console.log(
    `${fixture.name}: ${spec.model?.type ?? trained.network.kind} ${spec.task}, ${exported.lowered.inputs.length} raw inputs, ${spec.steps.length} steps, ${file.bytes.length} bytes; ${checks}`
  );
}
console.log(`${readdirSync(out).length} files in ${out}`);
