/**
 * The training loop on the cpu and wasm backends: reproducibility, agreement between backends,
 * known solutions, early stopping, class weights, divergence, cancellation and tensor counts.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LatheError } from '../../src/lib/core/base/errors';
import { createRng } from '../../src/lib/core/base/random';
import { useBackend, type BackendName } from '../../src/lib/core/models/backend';
import type { TrainingData } from '../../src/lib/core/models/data';
import type { WeightTensor } from '../../src/lib/core/models/kind';
import { earlyStopMessage } from '../../src/lib/core/models/early-stop';
import { predict } from '../../src/lib/core/models/predict';
import { resolveTrainingConfig } from '../../src/lib/core/models/settings';
import {
  trainModel,
  type EpochLog,
  type TrainedModel,
  type TrainOptions,
  type TrainResult
} from '../../src/lib/core/models/train';
import type { ModelSpec, Task, TrainSpec } from '../../src/lib/core/spec/types';

const wasmPath =
  dirname(
    createRequire(import.meta.url).resolve(
      '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'
    )
  ) + '/';

async function on(backend: BackendName): Promise<void> {
  await useBackend(backend, { wasmPath });
  expect(tf.getBackend()).toBe(backend);
}

beforeAll(async () => {
  await on('wasm');
  await on('cpu');
});

/** Rows of uniform features in [-1, 1] and a target made from them. */
function dataset<T extends Task>(
  task: T,
  rows: { train: number; validation: number },
  d: number,
  seed: number,
  label: (x: Float32Array) => number,
  classes?: string[]
): TrainingData {
  const rng = createRng(seed);
  const split = (n: number) => {
    const x = Float32Array.from({ length: n * d }, () => 2 * rng() - 1);
    const values = Array.from({ length: n }, (_, i) => label(x.subarray(i * d, i * d + d)));
    const y = task === 'regression' ? Float64Array.from(values) : Int32Array.from(values);
    return { rows: n, x, y };
  };
  const k = classes?.length ?? 0;
  return {
    task,
    target: 'y',
    features: Array.from({ length: d }, (_, j) => `x${j + 1}`),
    inputDim: d,
    outputDim: task === 'multiclass' ? k : 1,
    classes: classes ?? null,
    train: split(rows.train),
    validation: split(rows.validation),
    test: split(0)
  };
}

function config(task: Task, model: ModelSpec, train: TrainSpec) {
  return resolveTrainingConfig({ task, seed: 1, model, train });
}

function trained(result: TrainResult): TrainedModel {
  if (result.status === 'failed') throw new Error(`training failed: ${result.reason}`);
  return result;
}

async function train(
  data: TrainingData,
  model: ModelSpec,
  settings: TrainSpec,
  options?: TrainOptions
): Promise<TrainedModel> {
  return trained(await trainModel(data, config(data.task, model, settings), options));
}

const weightsOf = (model: TrainedModel) => model.weights.map((w) => w.values);
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

function accuracy(p: Float64Array, y: Int32Array, k: number): number {
  let right = 0;
  for (let i = 0; i < y.length; i++) {
    let guess = 0;
    if (k === 1) guess = p[i] > 0.5 ? 1 : 0;
    else for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + guess]) guess = c;
    right += guess === y[i] ? 1 : 0;
  }
  return right / y.length;
}

// A small classification problem that exercises every feature of the loop at once.
const blobs = dataset(
  'multiclass',
  { train: 240, validation: 60 },
  4,
  5,
  (x) => (x[0] + x[1] > 0.3 ? 2 : x[2] - x[3] > 0 ? 1 : 0),
  ['a', 'b', 'c']
);
const busyModel: ModelSpec = { type: 'mlp', hiddenLayers: [16, 8], dropout: 0.2, l2: 1e-3 };
const busyTrain: TrainSpec = {
  epochs: 6,
  batchSize: 32,
  learningRate: 0.01,
  classWeight: 'balanced',
  seed: 3
};

describe('reproducibility', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`gives bitwise-identical weights for the same data, config and seed on ${backend}`, async () => {
      await on(backend);
      const first = await train(blobs, busyModel, busyTrain);
      const second = await train(blobs, busyModel, busyTrain);
      expect(first.backend).toBe(backend);
      expect(first.history).toHaveLength(6);
      for (let k = 0; k < first.weights.length; k++) {
        const a = Buffer.from(first.weights[k].values.buffer);
        const b = Buffer.from(second.weights[k].values.buffer);
        expect(a.equals(b), first.weights[k].name).toBe(true);
      }
      expect(second.history.map((h) => h.loss)).toEqual(first.history.map((h) => h.loss));
      const other = await train(blobs, busyModel, { ...busyTrain, seed: 4 });
      expect(maxAbsDiff(other.weights[0].values, first.weights[0].values)).toBeGreaterThan(1e-3);
    });
  }

  it('agrees between cpu and wasm within 1e-5 (weights and probabilities)', async () => {
    await on('cpu');
    const cpu = await train(blobs, busyModel, busyTrain);
    const pCpu = await predict(cpu, blobs.validation.x);
    await on('wasm');
    const wasm = await train(blobs, busyModel, busyTrain);
    const pWasm = await predict(wasm, blobs.validation.x);
    // Measured here: 2.4e-7 (weights), 1.8e-7 (probabilities); float32 sums run in another order.
    for (let k = 0; k < cpu.weights.length; k++) {
      expect(maxAbsDiff(cpu.weights[k].values, wasm.weights[k].values)).toBeLessThan(1e-5);
    }
    expect(maxAbsDiff(pCpu, pWasm)).toBeLessThan(1e-5);
    expect(wasm.history.length).toBe(cpu.history.length);
  });
});

describe('known solutions', () => {
  it('linear regression recovers y = 2·x1 − 3·x2 + 1 within 1e-3', async () => {
    await on('cpu');
    const data = dataset(
      'regression',
      { train: 200, validation: 50 },
      2,
      11,
      (x) => 2 * x[0] - 3 * x[1] + 1
    );
    const model = await train(
      data,
      { type: 'linear' },
      { optimizer: 'sgd', learningRate: 0.3, batchSize: 200, epochs: 400, earlyStopping: false }
    );
    const [kernel, bias] = weightsOf(model);
    expect(Math.abs(kernel[0] - 2)).toBeLessThan(1e-3);
    expect(Math.abs(kernel[1] + 3)).toBeLessThan(1e-3);
    expect(Math.abs(bias[0] - 1)).toBeLessThan(1e-3);
    expect(model.targetScale?.std).toBeGreaterThan(1);
    // Reported losses are in the target's units: near 0 at the end, about var(y) at first.
    expect(model.history.at(-1)!.valLoss).toBeLessThan(1e-6);
    expect(model.history.at(-1)!.valMetric).toBeLessThan(1e-3);
    const p = await predict(model, Float32Array.of(0.5, -0.25, 0, 0));
    expect(p[0]).toBeCloseTo(2 * 0.5 + 0.75 + 1, 3);
    expect(p[1]).toBeCloseTo(1, 3);
  });

  it('logistic regression separates a separable problem, with the right coefficient signs', async () => {
    await on('wasm');
    const data = dataset('binary', { train: 300, validation: 100 }, 3, 12, (x) =>
      x[0] - 0.5 * x[1] > 0 ? 1 : 0
    );
    const model = await train(data, { type: 'logistic' }, { learningRate: 0.1, epochs: 60 });
    const p = await predict(model, data.validation.x);
    expect(accuracy(p, data.validation.y as Int32Array, 1)).toBeGreaterThanOrEqual(0.98);
    const kernel = model.weights[0].values;
    expect(kernel[0]).toBeGreaterThan(0);
    expect(kernel[1]).toBeLessThan(0);
    // x3 is noise; x1 weighs about twice x2.
    expect(Math.abs(kernel[2])).toBeLessThan(Math.abs(kernel[1]) / 3);
    expect(kernel[0] / -kernel[1]).toBeGreaterThan(1.5);
    expect(kernel[0] / -kernel[1]).toBeLessThan(2.5);
  });

  it('multinomial logistic regression and an MLP learn three classes', async () => {
    await on('wasm');
    const logistic = await train(blobs, { type: 'logistic' }, { learningRate: 0.05, epochs: 40 });
    const p = await predict(logistic, blobs.validation.x);
    for (let i = 0; i < 60; i++) expect(p[i * 3] + p[i * 3 + 1] + p[i * 3 + 2]).toBeCloseTo(1, 5);
    // The classes are not all linearly separable: a linear model gets most of them.
    expect(accuracy(p, blobs.validation.y as Int32Array, 3)).toBeGreaterThanOrEqual(0.85);
    const mlp = await train(
      blobs,
      { type: 'mlp', hiddenLayers: [16], activation: 'gelu' },
      {
        learningRate: 0.01,
        epochs: 40
      }
    );
    expect(
      accuracy(await predict(mlp, blobs.validation.x), blobs.validation.y as Int32Array, 3)
    ).toBeGreaterThan(0.9);
  });
});

describe('early stopping', () => {
  it('stops after `patience` epochs without improvement and restores the best epoch', async () => {
    await on('wasm');
    // Random labels: the MLP memorises the training rows and the validation loss rises.
    const rng = createRng(99);
    const data = dataset('binary', { train: 60, validation: 60 }, 6, 13, () =>
      rng() < 0.5 ? 1 : 0
    );
    const logs: EpochLog[] = [];
    const events: string[] = [];
    const model = await train(
      data,
      { type: 'mlp', hiddenLayers: [64, 64] },
      { learningRate: 0.01, epochs: 200, batchSize: 16, earlyStopping: { patience: 4 } },
      {
        onEpoch: (log) => {
          logs.push(log);
          events.push(`epoch ${log.epoch}`);
        },
        onEarlyStop: (stop) => events.push(earlyStopMessage(stop))
      }
    );
    expect(model.status).toBe('early-stopped');
    // Told once, after the last epoch, with the epoch kept.
    const last = model.history.length;
    expect(model.earlyStop).toEqual({
      epoch: last,
      patience: 4,
      bestEpoch: model.bestEpoch,
      monitor: 'val_loss'
    });
    expect(events.slice(-2)).toEqual([
      `epoch ${last}`,
      `Stopped early at epoch ${last}: validation loss did not improve for 4 epochs; kept epoch ${model.bestEpoch}.`
    ]);
    expect(events.filter((e) => e.startsWith('Stopped'))).toHaveLength(1);
    expect(model.monitor).toBe('val_loss');
    expect(model.restored).toBe(true);
    expect(logs).toEqual(model.history);
    expect(model.history.length).toBe(model.bestEpoch + 4);
    expect(model.history.length).toBeLessThan(200);
    const best = model.history[model.bestEpoch - 1];
    expect(best.best).toBe(true);
    expect(Math.min(...model.history.map((h) => h.valLoss!))).toBe(best.valLoss);
    // The returned weights are the best epoch's: their validation log loss is that epoch's.
    const p = await predict(model, data.validation.x);
    const y = data.validation.y as Int32Array;
    let logLoss = 0;
    for (let i = 0; i < y.length; i++) logLoss -= Math.log(y[i] ? p[i] : 1 - p[i]) / y.length;
    expect(logLoss).toBeCloseTo(best.valLoss!, 4);
    expect(model.history.at(-1)!.valLoss).toBeGreaterThan(best.valLoss!);
  });

  it('monitors the training loss when there is no validation split', async () => {
    await on('cpu');
    const data = dataset('binary', { train: 80, validation: 0 }, 2, 14, (x) => (x[0] > 0 ? 1 : 0));
    const model = await train(data, { type: 'logistic' }, { epochs: 5 });
    expect(model.monitor).toBe('loss');
    expect([model.status, model.earlyStop]).toEqual(['completed', null]);
    expect(model.history.every((h) => h.valLoss === null && h.valMetric === null)).toBe(true);
  });
});

describe('class weights', () => {
  it('move the decision boundary towards the majority class', async () => {
    await on('wasm');
    // Overlapping classes on one feature; the positive class (x high) is rare.
    const rng = createRng(21);
    const rows = 400;
    const x = new Float32Array(rows);
    const y = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      y[i] = i % 8 === 0 ? 1 : 0;
      x[i] = (y[i] ? 0.4 : -0.4) + (rng() + rng() + rng() - 1.5) * 0.8;
    }
    const data: TrainingData = {
      task: 'binary',
      target: 'y',
      features: ['x'],
      inputDim: 1,
      outputDim: 1,
      classes: ['no', 'yes'],
      train: { rows, x, y },
      validation: { rows: 0, x: new Float32Array(0), y: new Int32Array(0) },
      test: { rows: 0, x: new Float32Array(0), y: new Int32Array(0) }
    };
    const boundary = async (classWeight: TrainSpec['classWeight']) => {
      const model = await train(
        data,
        { type: 'logistic' },
        { learningRate: 0.05, epochs: 60, classWeight }
      );
      const [w, b] = weightsOf(model);
      expect(w[0]).toBeGreaterThan(0);
      return { at: -b[0] / w[0], weights: model.classWeights };
    };
    const none = await boundary('none');
    const balanced = await boundary('balanced');
    const explicit = await boundary({ yes: 20 });
    expect(none.weights).toBeNull();
    expect(balanced.weights).toEqual([400 / (2 * 350), 400 / (2 * 50)]);
    expect(explicit.weights).toEqual([1, 20]);
    expect(balanced.at).toBeLessThan(none.at - 0.1);
    expect(explicit.at).toBeLessThan(balanced.at);
    await expect(
      trainModel(data, config('binary', { type: 'logistic' }, { classWeight: { maybe: 2 } }))
    ).rejects.toThrow(/"maybe", not classes of the target/);
  });
});

describe('failures and cancellation', () => {
  const linearData = dataset(
    'regression',
    { train: 100, validation: 20 },
    2,
    31,
    (x) => 3 * x[0] - x[1]
  );

  it('reports a diverging run (learning rate 1e6) as failed, with the reason', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await on(backend);
      const before = tf.memory().numTensors;
      for (const optimizer of ['sgd', 'adam'] as const) {
        const logistic = optimizer === 'adam';
        const data = logistic ? blobs : linearData;
        const result = await trainModel(
          data,
          config(
            data.task,
            { type: logistic ? 'logistic' : 'linear' },
            { optimizer, learningRate: 1e6, epochs: 50 }
          )
        );
        expect(result.status, `${backend} ${optimizer}`).toBe('failed');
        if (result.status !== 'failed') continue;
        expect(result.code).toBe('DIVERGED');
        expect(result.reason).toMatch(/diverged: the (training|validation) loss (became|grew)/);
        expect(result.reason).toMatch(/learning rate \(1000000\) is probably too high/);
        expect(result.epochs).toBeLessThan(50);
      }
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('cancels between batches: throws, or returns the best checkpoint when asked', async () => {
    await on('wasm');
    const before = tf.memory().numTensors;
    const settings: TrainSpec = { epochs: 100, batchSize: 8 };
    const stopAt = (epoch: number) => {
      const controller = new AbortController();
      return {
        signal: controller.signal,
        onEpoch: (log: EpochLog) => log.epoch === epoch && controller.abort(),
        yieldMs: 0
      };
    };
    await expect(train(linearData, { type: 'linear' }, settings, stopAt(3))).rejects.toMatchObject({
      code: 'CANCELLED'
    });
    const kept = await train(linearData, { type: 'linear' }, settings, {
      ...stopAt(3),
      keepBestOnCancel: true
    });
    expect(kept.status).toBe('cancelled');
    expect(kept.restored).toBe(true);
    expect(kept.history).toHaveLength(3);
    expect(kept.bestEpoch).toBeLessThanOrEqual(3);
    const early = new AbortController();
    early.abort();
    await expect(
      train(linearData, { type: 'linear' }, settings, {
        signal: early.signal,
        keepBestOnCancel: true
      })
    ).rejects.toThrow(/before the first epoch finished/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a network too large to build, before allocating it', async () => {
    const wide = { ...blobs, inputDim: 5000, features: Array(5000).fill('f') };
    await expect(
      trainModel(wide, config('multiclass', { type: 'mlp', hiddenLayers: [4096, 4096] }, {}))
    ).rejects.toMatchObject({ code: 'MODEL_TOO_LARGE' });
  });
});

describe('tensors and predictions', () => {
  it('leaves the tensor count unchanged after train + predict on cpu and wasm', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await on(backend);
      const before = tf.memory().numTensors;
      const progress: number[] = [];
      const model = await train(blobs, busyModel, busyTrain, {
        onProgress: (p) => progress.push(p.fraction),
        yieldMs: 0
      });
      await predict(model, blobs.validation.x);
      expect(tf.memory().numTensors, backend).toBe(before);
      expect(progress.length).toBeGreaterThan(6);
      expect(progress.at(-1)).toBe(1);
      expect(model.samplesPerSecond).toBeGreaterThan(0);
      expect(model.durationMs).toBeGreaterThan(0);
    }
  });

  it('predicts in batches of at least 8192 rows, equal to a float64 forward pass', async () => {
    await on('wasm');
    const rows = 20_000;
    const rng = createRng(5);
    const x = Float32Array.from({ length: rows * 4 }, () => 2 * rng() - 1);
    const model = await train(
      blobs,
      { type: 'mlp', hiddenLayers: [8], activation: 'tanh' },
      { epochs: 2 }
    );
    const before = tf.memory().numTensors;
    const p = await predict(model, x, { batchSize: 100 });
    expect(tf.memory().numTensors).toBe(before);
    expect(p).toBeInstanceOf(Float64Array);
    expect(p.length).toBe(rows * 3);
    const reference = forward64(model.weights, x, 4, ['tanh', 'linear']);
    for (let i = 0; i < rows; i++) {
      const z = reference.subarray(i * 3, i * 3 + 3);
      const m = Math.max(...z);
      const sum = z.reduce((s, v) => s + Math.exp(v - m), 0);
      for (let c = 0; c < 3; c++) {
        const want = Math.exp(z[c] - m) / sum;
        if (Math.abs(p[i * 3 + c] - want) > 1e-5) expect(p[i * 3 + c]).toBeCloseTo(want, 5);
      }
    }
    await expect(predict(model, new Float32Array(7))).rejects.toThrow(/whole number of rows/);
  });
});

function forward64(
  weights: WeightTensor[],
  x: Float32Array,
  d: number,
  activations: string[]
): Float64Array {
  const rows = x.length / d;
  let h = Float64Array.from(x);
  let width = d;
  for (let l = 0; l < weights.length / 2; l++) {
    const kernel = weights[2 * l];
    const bias = weights[2 * l + 1].values;
    const units = kernel.shape[1];
    const out = new Float64Array(rows * units);
    for (let i = 0; i < rows; i++) {
      for (let u = 0; u < units; u++) {
        let s = bias[u];
        for (let j = 0; j < width; j++) s += h[i * width + j] * kernel.values[j * units + u];
        out[i * units + u] = activations[l] === 'tanh' ? Math.tanh(s) : s;
      }
    }
    h = out;
    width = units;
  }
  return h;
}

describe('errors', () => {
  it('refuses a config made for another task', async () => {
    await expect(
      trainModel(blobs, config('binary', { type: 'logistic' }, {}))
    ).rejects.toBeInstanceOf(LatheError);
  });
});
