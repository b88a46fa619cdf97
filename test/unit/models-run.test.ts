import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/lib/core/data/ingest';
import { accuracy } from '../../src/lib/core/evaluate/accuracy';
import { fitPipeline } from '../../src/lib/core/features/pipeline';
import { prepareTrainingData } from '../../src/lib/core/models/data';
import { predict } from '../../src/lib/core/models/predict';
import { runTraining } from '../../src/lib/core/models/run';
import { parseSpec } from '../../src/lib/core/pipeline/parse';
import type { PipelineSpec } from '../../src/lib/core/spec/types';
import { fixtures } from '../fixtures/pipelines/kinds';

async function penguins(): Promise<{
  spec: PipelineSpec;
  splits: Awaited<ReturnType<typeof fitPipeline>>['splits'];
}> {
  const json = fixtures.find((f) => f.file === 'penguins-species.json')!.json as PipelineSpec;
  const spec = parseSpec({ ...json, train: { ...json.train, epochs: 30, backend: 'cpu' } });
  const bytes = readFileSync(join(import.meta.dirname, '../../public/samples/penguins.csv'));
  const { table } = await ingest(new Blob([bytes]), { fileName: 'penguins.csv' });
  return { spec, splits: (await fitPipeline(table, spec)).splits };
}

describe('a training run from a feature set', () => {
  it('trains on the chosen backend and evaluates validation and test with the stored weights', async () => {
    const { spec, splits } = await penguins();
    const epochs: number[] = [];
    const run = await runTraining(splits, spec, {
      onEpoch: (log) => epochs.push(log.epoch),
      backend: { candidates: ['cpu'] }
    });
    const before = tf.memory().numTensors;
    expect(run.choice.backend).toBe('cpu');
    expect(run.result.status === 'completed' || run.result.status === 'early-stopped').toBe(true);
    expect(epochs[0]).toBe(1);
    expect(run.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);

    // The report's accuracy equals an independent count over the same predictions.
    const data = prepareTrainingData(splits, { target: spec.target, task: spec.task });
    if (run.result.status === 'failed') throw new Error(run.result.reason);
    const proba = await predict(
      { network: run.result.network, weights: run.result.weights },
      data.test.x
    );
    const predicted = new Int32Array(data.test.rows).map((_, i) => {
      const row = proba.subarray(i * 3, i * 3 + 3);
      return row.indexOf(Math.max(...row));
    });
    const report = run.metrics.test!;
    expect(report.task).toBe('classification');
    if (report.task !== 'classification') return;
    expect(report.rows).toBe(data.test.rows);
    expect(report.accuracy).toBeCloseTo(accuracy(data.test.y as Int32Array, predicted), 12);
    expect(report.accuracy).toBeGreaterThan(0.9);
    expect(run.metrics.validation?.rows).toBe(data.validation.rows);
    expect(tf.memory().numTensors).toBe(before);
  });
});
