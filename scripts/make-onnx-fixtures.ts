// Writes test/fixtures/onnx/: one exported model per bundled sample and per model kind × task,
// each trained through the real path (example spec → feature pipeline → training on tfjs cpu),
// with `<name>.expected.json` holding fixed input rows (the first test rows) and what the app's
// own predict path (tfjs) gives for them. Until the step kinds have lowerings, the graphs take
// the pipeline's output features (double [N, 1] each) rather than the raw columns.
// Run: npx tsx scripts/make-onnx-fixtures.ts && python3 scripts/check-onnx-fixtures.py
import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { sha256Hex } from '../src/lib/core/base/hash';
import type { Json } from '../src/lib/core/base/json';
import type { ClassificationReport } from '../src/lib/core/evaluate/classification-report';
import type { RegressionReport } from '../src/lib/core/evaluate/regression-report';
import { ingest } from '../src/lib/core/data/ingest';
import { argmaxRows } from '../src/lib/core/evaluate/predict';
import { featureSetKey, pipelineHash } from '../src/lib/core/features/engine';
import { fitPipeline } from '../src/lib/core/features/pipeline';
import { prepareTrainingData } from '../src/lib/core/models/data';
import { lowerModel } from '../src/lib/core/models/lower';
import { predict } from '../src/lib/core/models/predict';
import { resolveModel } from '../src/lib/core/models/registry';
import { probabilityMatrix, runTraining } from '../src/lib/core/models/run';
import { packWeights } from '../src/lib/core/models/weights';
import { GraphBuilder } from '../src/lib/core/onnx/graph';
import { ColumnLowering } from '../src/lib/core/onnx/lowering';
import { outputNames, type OnnxMetadata } from '../src/lib/core/onnx/metadata';
import { serializeModel } from '../src/lib/core/onnx/serialize';
import { parseSpec } from '../src/lib/core/pipeline/parse';
import type { ModelSpec, PipelineSpec, StepSpec } from '../src/lib/core/spec/types';

const root = join(import.meta.dirname, '..');
const out = join(root, 'test/fixtures/onnx');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
};

/** Rows of the test split kept as fixed inputs. */
const ROWS = 40;
const TRAINING_ONLY = new Set(['filter', 'balance']);

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
  { name: 'cars-mlp', spec: 'cars-by-year.json', sample: 'cars.csv' }
];

function scalars(report: ClassificationReport | RegressionReport): Record<string, number | null> {
  const names =
    report.task === 'regression'
      ? (['r2', 'rmse', 'mae', 'mse', 'mape'] as const)
      : (['accuracy', 'balancedAccuracy', 'rocAuc', 'prAuc', 'logLoss', 'brier'] as const);
  const record = report as unknown as Record<string, number>;
  return Object.fromEntries(names.map((n) => [n, Number.isFinite(record[n]) ? record[n] : null]));
}

await tf.setBackend('cpu');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

for (const fixture of FIXTURES) {
  const spec: PipelineSpec = parseSpec(
    JSON.parse(readFileSync(join(root, 'test/fixtures/pipelines', fixture.spec), 'utf8'))
  );
  spec.steps.push(...(fixture.extraSteps ?? []));
  if (fixture.model) spec.model = fixture.model;
  spec.train = { ...spec.train, backend: 'cpu' };
  const bytes = readFileSync(join(root, 'public/samples', fixture.sample));
  const { table } = await ingest(new Blob([bytes]), { fileName: fixture.sample });
  const fitted = await fitPipeline(table, spec);
  const data = prepareTrainingData(fitted.splits, spec);
  const run = await runTraining(fitted.splits, spec, { backend: { candidates: ['cpu'] } });
  if (run.result.status === 'failed') throw new Error(`${fixture.name}: ${run.result.reason}`);
  const trained = run.result;

  const kind = resolveModel(spec.model ?? { type: 'linear' }, spec.task).kind;
  const types = new Map(fitted.schema.map((c) => [c.name, c.type]));
  const features = data.features;
  const graph = new GraphBuilder(fixture.name);
  const ctx = new ColumnLowering(
    graph,
    features.map((name) => ({ name, type: types.get(name)! }))
  );
  lowerModel(ctx, features, kind, {
    network: trained.network,
    weights: trained.weights,
    classes: data.classes
  });

  const d = data.inputDim;
  const train = data.train;
  const range = (j: number) => {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < train.rows; i++) {
      const value = train.x[i * d + j];
      if (value < min) min = value;
      if (value > max) max = value;
    }
    return { min, max };
  };
  const metadata: OnnxMetadata = {
    format: 'lathe-onnx',
    version: 1,
    task: spec.task,
    target: spec.target,
    inputs: features.map((name, j) => ({
      name,
      type: types.get(name)!,
      elementType: 'double',
      missingTokens: [],
      range: range(j)
    })),
    outputs: outputNames(spec.task),
    classes: data.classes,
    model: kind.type,
    spec: spec as unknown as Json,
    trainingOnlySteps: spec.steps.filter((s) => TRAINING_ONLY.has(s.type)).map((s) => s.type),
    hashes: {
      dataset: spec.source.hash,
      featureSet: await featureSetKey(spec.source.hash, spec),
      spec: await pipelineHash(spec),
      model: await sha256Hex(packWeights(trained.weights).bytes)
    },
    engineVersion: version,
    backend: trained.backend,
    metrics: Object.fromEntries(
      Object.entries(run.metrics).map(([split, report]) => [split, scalars(report)])
    )
  };
  const onnxBytes = serializeModel(graph.build(), {
    producerVersion: version,
    modelVersion: 1,
    docString: `${fixture.name}: the ${kind.label.toLowerCase()} trained on the ${fixture.sample} sample. Model only: its inputs are the feature pipeline's output columns.`,
    metadata
  });
  writeFileSync(join(out, `${fixture.name}.onnx`), onnxBytes);

  const rows = Math.min(ROWS, data.test.rows);
  const x = data.test.x.subarray(0, rows * d);
  const predicted = await predict({ network: trained.network, weights: trained.weights }, x);
  const inputs = Object.fromEntries(
    features.map((name, j) => [name, Array.from({ length: rows }, (_, i) => x[i * d + j])])
  );
  let outputs: Record<string, Json>;
  if (data.classes) {
    const k = data.classes.length;
    const proba = probabilityMatrix(predicted, rows, k);
    const matrix = Array.from({ length: rows }, (_, i) =>
      Array.from(proba.subarray(i * k, i * k + k))
    );
    const label = Array.from(argmaxRows(proba, rows, k), (c) => data.classes![c]);
    outputs = { label, probabilities: matrix };
  } else {
    outputs = { prediction: Array.from(predicted, (v) => [v]) };
  }
  writeFileSync(
    join(out, `${fixture.name}.expected.json`),
    JSON.stringify({ rows, inputs, outputs }) + '\n'
  );
  console.log(
    `${fixture.name}: ${kind.type} ${spec.task}, ${d} features, ${trained.epochs} epochs, ${onnxBytes.length} bytes`
  );
}
console.log(`${readdirSync(out).length} files in ${out}`);
