/**
 * Model kinds, the registry, training settings and the network builder: shapes, init scheme,
 * heads and losses, L2 as a kernel regularizer, and that the spec side stays free of tfjs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/lib/core/base/random';
import type { TrainingData } from '../../src/lib/core/models/data';
import { headFor, weightCount, type NetworkDef } from '../../src/lib/core/models/kind';
import { buildModel, initialWeights, readWeights } from '../../src/lib/core/models/network';
import {
  MODEL_KINDS,
  MODEL_TYPES,
  defaultModel,
  modelKind,
  resolveModel
} from '../../src/lib/core/models/registry';
import {
  defaultPatience,
  resolveTrainingConfig,
  TRAIN_DEFAULTS
} from '../../src/lib/core/models/settings';
import { trainModel } from '../../src/lib/core/models/train';
import { TASKS, type Task } from '../../src/lib/core/spec/types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const net = (type: string, task: 'binary' | 'multiclass' | 'regression', params = {}, k = 1) => {
  const { kind, params: p } = resolveModel({ type, ...params }, task);
  return kind.network(5, k, task, p);
};

describe('model registry', () => {
  it('keys every kind by its own type, frozen, without prototype lookups', () => {
    expect(Object.isFrozen(MODEL_KINDS)).toBe(true);
    for (const [key, kind] of Object.entries(MODEL_KINDS)) expect(kind.type).toBe(key);
    expect(MODEL_TYPES).toEqual(['linear', 'logistic', 'mlp']);
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(modelKind(name)).toBeUndefined();
    }
    expect(defaultModel('regression')).toEqual({ type: 'linear' });
    expect(defaultModel('binary')).toEqual({ type: 'logistic' });
  });

  it('keeps tfjs out of everything the spec parser loads', () => {
    const dir = join(import.meta.dirname, '../../src/lib/core');
    const light = [
      'models/kind.ts',
      'models/linear.ts',
      'models/logistic.ts',
      'models/mlp.ts',
      'models/registry.ts',
      'models/settings.ts',
      'models/data.ts',
      'pipeline/parse.ts',
      'spec/types.ts'
    ];
    for (const file of light) {
      expect(readFileSync(join(dir, file), 'utf8'), file).not.toMatch(/@tensorflow/);
    }
  });
});

/** 40 training and 10 validation rows of 4 features in [-1, 1] with a target from them. */
function tinyData(task: Task): TrainingData {
  const rng = createRng(11);
  const classes =
    task === 'multiclass' ? ['a', 'b', 'c'] : task === 'binary' ? ['no', 'yes'] : null;
  const split = (n: number) => {
    const x = Float32Array.from({ length: n * 4 }, () => 2 * rng() - 1);
    const score = (i: number) => x[i * 4] + 0.5 * x[i * 4 + 1];
    const y =
      task === 'regression'
        ? Float64Array.from({ length: n }, (_, i) => 3 * score(i) + 1)
        : Int32Array.from({ length: n }, (_, i) =>
            task === 'binary' ? Number(score(i) > 0) : score(i) < -0.4 ? 0 : score(i) < 0.4 ? 1 : 2
          );
    return { rows: n, x, y };
  };
  return {
    task,
    target: 'y',
    features: ['a', 'b', 'c', 'd'],
    inputDim: 4,
    outputDim: task === 'multiclass' ? 3 : 1,
    classes,
    train: split(40),
    validation: split(10),
    test: split(0)
  };
}

// The contract, for every kind in the registry: adding a kind file and its registry line is
// enough to have it checked here.
const modelKinds = Object.entries(MODEL_KINDS);

it('the model registry has kinds, and the contract below checks each of them', () => {
  expect(modelKinds.length).toBeGreaterThan(0);
  expect(modelKinds.map(([type]) => type).sort()).toEqual([...MODEL_TYPES]);
});

describe.each(modelKinds)('model kind "%s"', (type, kind) => {
  it('has a label, tasks, examples, and hints for real params only', () => {
    expect(kind.type).toBe(type);
    expect(kind.label.length).toBeGreaterThan(0);
    expect(kind.tasks.length).toBeGreaterThan(0);
    expect(kind.examples.length).toBeGreaterThan(0);
    // A strictObject keeps its keys in `entries` (a piped one, like mlp's, too).
    const keys = Object.keys((kind.params as unknown as { entries?: object }).entries ?? {});
    expect(keys.length).toBeGreaterThan(0);
    for (const key of Object.keys(kind.fields)) expect(keys).toContain(key);
  });

  it('refuses the tasks it does not do, and unknown params', () => {
    for (const task of TASKS.filter((t) => !kind.tasks.includes(t)))
      expect(() => resolveModel({ type }, task)).toThrow(/cannot do a/);
    expect(() => resolveModel({ type, bogus: 1 }, kind.tasks[0])).toThrow(/model\.bogus/);
  });

  it.each(kind.examples.map((e) => [JSON.stringify(e), e] as const))(
    'example %s builds the network of each task and trains on it',
    async (_, example) => {
      for (const task of kind.tasks) {
        const { params } = resolveModel({ type, ...example }, task);
        const outputs = task === 'multiclass' ? 3 : 1;
        const def = kind.network(4, outputs, task, params);
        expect(def).toMatchObject({ kind: type, task, inputDim: 4, outputDim: outputs });
        expect(def.layers.at(-1)).toMatchObject({ units: outputs, activation: 'linear' });
        expect({ head: def.head, loss: def.loss }).toEqual(headFor(task));
        const weights = initialWeights(def, 3);
        expect(weights.reduce((n, w) => n + w.values.length, 0)).toBe(weightCount(def));

        const config = resolveTrainingConfig({
          task,
          seed: 1,
          model: { type, ...example },
          train: { epochs: 2, batchSize: 16, backend: 'cpu' }
        });
        const result = await trainModel(tinyData(task), config);
        if (result.status === 'failed') throw new Error(result.reason);
        expect(result.history).toHaveLength(2);
        expect(result.weights.every((w) => w.values.every(Number.isFinite))).toBe(true);
      }
    }
  );
});

describe('networks', () => {
  it('linear and logistic are one dense layer with the task head and loss', () => {
    expect(net('linear', 'regression', { l2: 0.5 })).toEqual({
      kind: 'linear',
      task: 'regression',
      inputDim: 5,
      outputDim: 1,
      layers: [{ units: 1, activation: 'linear', init: 'glorot_uniform', l2: 0.5, dropout: 0 }],
      head: 'identity',
      loss: 'mse'
    });
    const binary = net('logistic', 'binary');
    expect([binary.head, binary.loss, binary.layers[0].units]).toEqual([
      'sigmoid',
      'binary_crossentropy',
      1
    ]);
    const multi = net('logistic', 'multiclass', {}, 4);
    expect([multi.head, multi.loss, multi.layers[0].units]).toEqual([
      'softmax',
      'sparse_categorical_crossentropy',
      4
    ]);
  });

  it('an MLP has its hidden layers, He init for ReLU/GELU and Glorot otherwise', () => {
    const relu = net('mlp', 'multiclass', { hiddenLayers: [8, 6], dropout: 0.3, l2: 0.01 }, 3);
    expect(relu.layers.map((l) => [l.units, l.activation, l.init, l.dropout, l.l2])).toEqual([
      [8, 'relu', 'he_uniform', 0.3, 0.01],
      [6, 'relu', 'he_uniform', 0.3, 0.01],
      [3, 'linear', 'glorot_uniform', 0, 0.01]
    ]);
    expect(weightCount(relu)).toBe(6 * 8 + 9 * 6 + 7 * 3);
    expect(net('mlp', 'regression', { activation: 'tanh' }).layers[0].init).toBe('glorot_uniform');
    expect(net('mlp', 'regression', { activation: 'gelu' }).layers[0].init).toBe('he_uniform');
    expect(net('mlp', 'binary').layers.map((l) => l.units)).toEqual([64, 64, 1]);
  });

  it('draws initial weights from our seed: same seed same bytes, within the init bounds', () => {
    const def = net('mlp', 'binary', { hiddenLayers: [32], activation: 'relu' });
    const a = initialWeights(def, 42);
    const b = initialWeights(def, 42);
    const c = initialWeights(def, 43);
    expect(a.map((w) => [w.name, w.shape])).toEqual([
      ['layer0/kernel', [5, 32]],
      ['layer0/bias', [32]],
      ['layer1/kernel', [32, 1]],
      ['layer1/bias', [1]]
    ]);
    expect(a).toEqual(b);
    expect(a[0].values).not.toEqual(c[0].values);
    const he = Math.sqrt(6 / 5);
    const glorot = Math.sqrt(6 / 33);
    const bound = (values: Float32Array) => Math.max(...values.map(Math.abs));
    expect(bound(a[0].values)).toBeLessThanOrEqual(he);
    expect(bound(a[0].values)).toBeGreaterThan(0.8 * he);
    expect(bound(a[2].values)).toBeLessThanOrEqual(glorot);
    expect(a[1].values.every((v) => v === 0)).toBe(true);
    const mean = a[0].values.reduce((s, v) => s + v, 0) / a[0].values.length;
    expect(Math.abs(mean)).toBeLessThan(0.15);
  });

  it('builds a tfjs-layers model with exactly our weights, the head, and L2 as kernel regularizer', async () => {
    const before = tf.memory().numTensors;
    const def: NetworkDef = net('mlp', 'multiclass', { hiddenLayers: [4], l2: 0.5 }, 3);
    const weights = initialWeights(def, 7);
    const model = buildModel(def, weights);
    expect(model.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dense', 'Activation']);
    expect(await readWeights(model)).toEqual(weights);
    const penalties = model.calculateLosses();
    const total = penalties.reduce((s, t) => s + t.dataSync()[0], 0);
    tf.dispose(penalties);
    let expected = 0;
    for (const w of [weights[0], weights[2]]) for (const v of w.values) expected += 0.5 * v * v;
    expect(total).toBeCloseTo(expected, 4);
    const out = tf.tidy(() => model.predict(tf.ones([2, 5])) as tf.Tensor);
    const p = out.dataSync();
    out.dispose();
    expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 6);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => buildModel(def, weights.slice(1))).toThrow(/do not fit/);
    const wrong = weights.map((w, i) =>
      i === 0 ? { ...w, shape: [4, 5], values: new Float32Array(20) } : w
    );
    expect(() => buildModel(def, wrong)).toThrow(/"layer0\/kernel" has shape \[4, 5\]/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('training settings', () => {
  it('fills defaults from the model kind and keeps what the spec says', () => {
    const mlp = resolveTrainingConfig({ task: 'binary', seed: 5, model: { type: 'mlp' } });
    expect(mlp.train).toMatchObject({
      optimizer: TRAIN_DEFAULTS.optimizer,
      learningRate: 0.001,
      batchSize: TRAIN_DEFAULTS.batchSize,
      epochs: TRAIN_DEFAULTS.epochs,
      earlyStopping: { patience: 20, minDelta: 0 },
      classWeight: 'none',
      backend: 'auto'
    });
    expect(mlp.resolved.params).toEqual({
      hiddenLayers: [64, 64],
      activation: 'relu',
      dropout: 0.1,
      l2: 0
    });
    const plain = resolveTrainingConfig({ task: 'regression', seed: 5 });
    expect(plain.model).toEqual({ type: 'linear' });
    expect(plain.train.learningRate).toBe(0.01);
    // The training seed derives from the spec seed unless given.
    expect(plain.train.seed).toBe(mlp.train.seed);
    expect(resolveTrainingConfig({ task: 'regression', seed: 6 }).train.seed).not.toBe(
      plain.train.seed
    );
    const custom = resolveTrainingConfig({
      task: 'multiclass',
      seed: 1,
      model: { type: 'logistic', l2: 0.1 },
      train: {
        optimizer: 'sgd',
        learningRate: 0.2,
        batchSize: 8,
        epochs: 3,
        earlyStopping: false,
        classWeight: { a: 2 },
        seed: 77,
        backend: 'cpu'
      }
    });
    expect(custom.train).toEqual({
      optimizer: 'sgd',
      learningRate: 0.2,
      batchSize: 8,
      epochs: 3,
      earlyStopping: null,
      classWeight: { a: 2 },
      seed: 77,
      backend: 'cpu'
    });
    expect(
      resolveTrainingConfig({
        task: 'binary',
        seed: 1,
        train: { earlyStopping: { patience: 2 } }
      }).train.earlyStopping
    ).toEqual({ patience: 2, minDelta: 0 });
  });

  it('sets the default patience to a tenth of the planned epochs, at least 10', () => {
    expect([10, 100, 200, 1000].map(defaultPatience)).toEqual([10, 10, 20, 100]);
    const patience = (epochs?: number) =>
      resolveTrainingConfig({ task: 'regression', seed: 1, train: { epochs } }).train.earlyStopping
        ?.patience;
    expect(patience()).toBe(20);
    expect(patience(50)).toBe(10);
    expect(patience(500)).toBe(50);
  });

  it('refuses a model that cannot do the task', () => {
    expect(() =>
      resolveTrainingConfig({ task: 'binary', seed: 1, model: { type: 'linear' } })
    ).toThrow(/cannot do a binary task/);
  });
});
