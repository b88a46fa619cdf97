/**
 * The `train` section: MLP 11→64→64→1 on the 1M-row generated feature set (the file's 11
 * non-label columns: 8 imputed and scaled floats, the integer count, and the two categoricals as ordinals),
 * one epoch, batch 1024, on the wasm backend — Lathe's full path (the stored feature set's Arrow
 * bytes → Frames → training arrays → the seeded training loop) against raw tfjs-layers
 * `model.fit` on tensors built beforehand, in the same run. Loaded lazily by run.ts.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { frameToTable, tableToFrame } from '../../src/lib/core/features/convert.ts';
import { chooseBackend, useBackend } from '../../src/lib/core/models/backend.ts';
import { prepareTrainingData } from '../../src/lib/core/models/data.ts';
import { resolveTrainingConfig } from '../../src/lib/core/models/settings.ts';
import { trainModel } from '../../src/lib/core/models/train.ts';
import { SPLIT_NAMES } from '../../src/lib/core/features/split.ts';
import { parseSpec } from '../../src/lib/core/pipeline/parse';
import { FLOATS, CATS, latheTransform, sideBySide, transformSpec } from './transform.ts';
import { median } from './stats.ts';

type Add = (name: string, value: number, unit: string, target?: string, note?: string) => void;

const wasmPath =
  dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')) +
  '/dist/';

export async function runTrainSection(table: Table, add: Add): Promise<void> {
  const choice = await chooseBackend({ wasmPath, candidates: ['wasm', 'cpu'] });
  add(
    'backend_calibration_ms',
    choice.calibrationMs,
    'ms',
    undefined,
    `chose ${choice.backend}: ${choice.reason}`
  );
  await useBackend('wasm', { wasmPath });

  const base = transformSpec([
    { type: 'impute', columns: FLOATS, strategy: 'median' },
    { type: 'scale', columns: [...FLOATS, 'count'], method: 'standard' },
    { type: 'ordinal', columns: CATS }
  ]);
  const spec = parseSpec({
    ...base,
    model: { type: 'mlp', hiddenLayers: [64, 64] },
    train: { epochs: 1, batchSize: 1024, earlyStopping: false, optimizer: 'adam', backend: 'wasm' }
  });
  const fitted = await latheTransform(table, spec);
  // What IndexedDB holds for the feature set: one Arrow IPC file per split.
  const stored = SPLIT_NAMES.map((name) => tableToIPC(frameToTable(fitted.splits[name]), 'file'));
  const config = resolveTrainingConfig(spec);
  const loaded = () => {
    const [train, validation, test] = stored.map((bytes) => tableToFrame(tableFromIPC(bytes)));
    return prepareTrainingData(
      { train, validation, test },
      { target: spec.target, task: spec.task }
    );
  };
  const rows = fitted.splits.train.rows;
  const data = loaded();
  const features = data.inputDim;
  const x = tf.tensor2d(data.train.x, [rows, features]);
  const y = tf.tensor2d(Float32Array.from(data.train.y as Int32Array), [rows, 1]);

  let trainMs = 0;
  const timings = await sideBySide(
    {
      async pipeline() {
        const prepared = loaded();
        const t0 = performance.now();
        const result = await trainModel(
          {
            ...prepared,
            validation: {
              ...prepared.validation,
              rows: 0,
              x: new Float32Array(0),
              y: new Int32Array(0)
            }
          },
          config
        );
        trainMs = performance.now() - t0;
        if (result.status === 'failed') throw new Error(result.reason);
      },
      async raw() {
        const model = tfl.sequential({
          layers: [
            tfl.layers.dense({ inputShape: [features], units: 64, activation: 'relu' }),
            tfl.layers.dense({ units: 64, activation: 'relu' }),
            tfl.layers.dense({ units: 1, activation: 'sigmoid' })
          ]
        });
        model.compile({ optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy' });
        await model.fit(x, y, { batchSize: 1024, epochs: 1, shuffle: true, verbose: 0 });
        model.dispose();
      }
    },
    2
  );
  x.dispose();
  y.dispose();
  const pipelineMs = median(timings.pipeline.wall);
  const rawMs = median(timings.raw.wall);
  console.log(
    `  pipeline (stored bytes → fit): ${timings.pipeline.wall.map((t) => t.toFixed(0)).join(' / ')} ms; raw model.fit: ${timings.raw.wall.map((t) => t.toFixed(0)).join(' / ')} ms`
  );
  add(
    'train_pipeline_vs_raw_fit_ratio',
    rawMs / pipelineMs,
    'x',
    '>= 0.9',
    `${rows} training rows × ${features} features, 1 epoch, batch 1024, wasm; pipeline includes reading the stored Arrow bytes`
  );
  add(
    'train_samples_s_wasm',
    rows / (trainMs / 1000),
    'samples/s',
    '>= 50000',
    'the training loop alone (last pipeline round)'
  );
}
