// Writes the training and test arrays the models see for each bundled sample (its example spec
// in test/fixtures/pipelines, run through the real feature pipeline) as CSV, so
// scripts/sklearn-baselines.py can fit scikit-learn's baselines on exactly the same rows; and
// the rows of the cars sample in the starter pipeline's training and test splits, on which it
// fits Ridge from the raw columns (with and without Year).
// Run: npx tsx scripts/export-feature-splits.ts && python3 scripts/sklearn-baselines.py
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../src/lib/core/data/ingest';
import { profileTable } from '../src/lib/core/data/profile';
import { fitPipeline } from '../src/lib/core/features/pipeline';
import { starterSpec } from '../src/lib/core/features/starter';
import { prepareTrainingData, type SplitArrays } from '../src/lib/core/models/data';
import { parseSpec } from '../src/lib/core/pipeline/parse';
import type { PipelineSpec } from '../src/lib/core/spec/types';
import { BASELINE_EXAMPLES, STARTER_BASELINE } from '../test/fixtures/baselines/examples';

const root = join(import.meta.dirname, '..');

function csv(split: SplitArrays, features: number): string {
  const header = [...Array.from({ length: features }, (_, j) => `f${j}`), 'y'].join(',');
  const lines = [header];
  for (let i = 0; i < split.rows; i++) {
    const row = Array.from(split.x.subarray(i * features, (i + 1) * features), (v) => String(v));
    lines.push([...row, String(split.y[i])].join(','));
  }
  return lines.join('\n') + '\n';
}

for (const example of BASELINE_EXAMPLES) {
  const spec: PipelineSpec = parseSpec(
    JSON.parse(readFileSync(join(root, 'test/fixtures/pipelines', example.spec), 'utf8'))
  );
  spec.steps.push(...example.extraSteps);
  const bytes = readFileSync(join(root, 'public/samples', example.sample));
  const { table } = await ingest(new Blob([bytes]), { fileName: example.sample });
  const fitted = await fitPipeline(table, spec);
  const data = prepareTrainingData(fitted.splits, { target: spec.target, task: spec.task });
  for (const split of ['train', 'test'] as const) {
    const file = join(root, 'test/fixtures/baselines', `${example.name}.${split}.csv`);
    writeFileSync(file, csv(data[split], data.inputDim));
  }
  console.log(
    `${example.name}: ${data.train.rows} train, ${data.test.rows} test, ${data.inputDim} features`
  );
}

{
  const { name, sample, target, source } = STARTER_BASELINE;
  const bytes = readFileSync(join(root, 'public/samples', sample));
  const { table } = await ingest(new Blob([bytes]), { fileName: sample });
  const spec = starterSpec({ source, profile: profileTable(table), target });
  const { indices } = await fitPipeline(table, spec);
  const rows = { train: Array.from(indices.train), test: Array.from(indices.test) };
  writeFileSync(
    join(root, 'test/fixtures/baselines', `${name}.rows.json`),
    JSON.stringify(rows) + '\n'
  );
  console.log(`${name}: ${rows.train.length} train, ${rows.test.length} test rows of ${sample}`);
}
