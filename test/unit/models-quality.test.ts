/**
 * Quality on real data: on each bundled sample, the example spec's model must reach a test
 * score within 2 points of the best scikit-learn baseline (LogisticRegression / Ridge,
 * HistGradientBoosting) fitted on the same rows and features; on cars, the starter pipeline's
 * default model must come within 2 points of Ridge with Year (fitted by scikit-learn on the raw
 * columns of the same rows), and the default MLP must not lose to the linear model. Baselines:
 * baselines.json, made by scripts/export-feature-splits.ts + scripts/sklearn-baselines.py.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/lib/core/data/ingest';
import { profileTable } from '../../src/lib/core/data/profile';
import { accuracy } from '../../src/lib/core/evaluate/accuracy';
import { r2Score } from '../../src/lib/core/evaluate/regression';
import { fitPipeline } from '../../src/lib/core/features/pipeline';
import { starterSpec } from '../../src/lib/core/features/starter';
import { useBackend } from '../../src/lib/core/models/backend';
import { prepareTrainingData, type TrainingData } from '../../src/lib/core/models/data';
import { predict } from '../../src/lib/core/models/predict';
import { resolveTrainingConfig } from '../../src/lib/core/models/settings';
import { trainModel } from '../../src/lib/core/models/train';
import { parseSpec } from '../../src/lib/core/pipeline/parse';
import type { PipelineSpec, TrainSpec } from '../../src/lib/core/spec/types';
import { BASELINE_EXAMPLES, STARTER_BASELINE } from '../fixtures/baselines/examples';

const root = join(import.meta.dirname, '../..');
const baselines = JSON.parse(
  readFileSync(join(root, 'test/fixtures/baselines/baselines.json'), 'utf8')
) as {
  results: Record<
    string,
    { metric: 'accuracy' | 'r2'; best: number; test: Record<string, number> }
  >;
};

beforeAll(async () => {
  const wasmPath =
    dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')) +
    '/dist/';
  await useBackend('wasm', { wasmPath });
});

describe('models on the bundled samples against scikit-learn baselines', () => {
  for (const example of BASELINE_EXAMPLES) {
    it(`${example.name}: within 2 points of the best baseline`, async () => {
      const spec = parseSpec(
        JSON.parse(readFileSync(join(root, 'test/fixtures/pipelines', example.spec), 'utf8'))
      );
      spec.steps.push(...example.extraSteps);
      const bytes = readFileSync(join(root, 'public/samples', example.sample));
      const { table } = await ingest(new Blob([bytes]), { fileName: example.sample });
      const fitted = await fitPipeline(table, spec);
      const data = prepareTrainingData(fitted.splits, { target: spec.target, task: spec.task });
      const result = await trainModel(data, resolveTrainingConfig(spec));
      if (result.status === 'failed') throw new Error(result.reason);
      const output = await predict(result, data.test.x);
      const baseline = baselines.results[example.name];
      let score: number;
      if (baseline.metric === 'r2') score = r2Score(data.test.y as Float64Array, output);
      else {
        const k = data.outputDim;
        const predicted = new Int32Array(data.test.rows);
        for (let i = 0; i < data.test.rows; i++) {
          if (k === 1) predicted[i] = output[i] > 0.5 ? 1 : 0;
          else
            for (let c = 1; c < k; c++)
              if (output[i * k + c] > output[i * k + predicted[i]]) predicted[i] = c;
        }
        score = accuracy(data.test.y as Int32Array, predicted);
      }
      console.log(
        `${example.name}: ${baseline.metric} ${score.toFixed(4)} vs sklearn ${JSON.stringify(baseline.test)}`
      );
      expect(score).toBeGreaterThanOrEqual(baseline.best - 0.02);
    });
  }
});

describe('the starter pipeline and the default models on cars', () => {
  let starter: PipelineSpec;
  let withYear: TrainingData;
  let withoutYear: TrainingData;

  /** Test R² of the spec's default training with the given model (and train section). */
  async function testR2(data: TrainingData, model: string, train?: TrainSpec): Promise<number> {
    const config = resolveTrainingConfig({ ...starter, model: { type: model }, train });
    const result = await trainModel(data, config);
    if (result.status === 'failed') throw new Error(result.reason);
    return r2Score(data.test.y as Float64Array, await predict(result, data.test.x));
  }

  beforeAll(async () => {
    const { sample, target, source } = STARTER_BASELINE;
    const bytes = readFileSync(join(root, 'public/samples', sample));
    const { table } = await ingest(new Blob([bytes]), { fileName: sample });
    starter = starterSpec({ source, profile: profileTable(table), target });
    const prepare = async (spec: PipelineSpec) => {
      const fitted = await fitPipeline(table, spec);
      return prepareTrainingData(fitted.splits, { target: spec.target, task: spec.task });
    };
    withYear = await prepare(starter);
    // What the starter did before it kept dates: Year dropped.
    withoutYear = await prepare({
      ...starter,
      steps: [
        { type: 'drop', columns: ['Name', 'Year'] },
        ...starter.steps
          .filter((s) => s.type !== 'drop' && s.type !== 'dateparts')
          .map((s) =>
            Array.isArray(s.columns)
              ? { ...s, columns: s.columns.filter((c) => c !== 'Year_year') }
              : s
          )
      ]
    });
  });

  it('keeps Year as a number and is within 2 points of Ridge with Year', async () => {
    expect(withYear.features).toContain('Year_year');
    expect(withoutYear.features).not.toContain('Year_year');
    const baseline = baselines.results[STARTER_BASELINE.name];
    const score = await testR2(withYear, starter.model?.type ?? 'linear');
    console.log(`cars starter: r2 ${score.toFixed(4)} vs sklearn ${JSON.stringify(baseline.test)}`);
    expect(score).toBeGreaterThanOrEqual(baseline.test.ridge_with_year - 0.02);
  });

  // The default seed, the Train page's seed (42), and a few more: with a patience of 10 epochs
  // the MLP stopped at its 4th epoch on seed 42 without Year.
  const seeds = [undefined, 42, 1, 2, 3, 7];
  it.each([
    ['the starter pipeline', () => withYear],
    ['the starter without Year', () => withoutYear]
  ] as const)('on %s, the default MLP does not lose to the linear model', async (_, data) => {
    for (const seed of seeds) {
      const train = seed === undefined ? undefined : { seed };
      const linear = await testR2(data(), 'linear', train);
      const mlp = await testR2(data(), 'mlp', train);
      console.log(`seed ${seed ?? 'default'}: linear ${linear.toFixed(4)}, mlp ${mlp.toFixed(4)}`);
      expect(mlp, `seed ${seed ?? 'default'}`).toBeGreaterThanOrEqual(linear);
    }
  });
});
