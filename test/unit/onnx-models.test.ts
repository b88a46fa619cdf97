/**
 * Every model kind × task, lowered to ONNX and run in onnxruntime-web (wasm), against the same
 * network and weights run in tfjs (cpu) through the app's predict path: probabilities within
 * 1e-5 (absolute), regression within 1e-5 (relative), labels equal.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/lib/core/base/random';
import { argmaxRows } from '../../src/lib/core/evaluate/predict';
import {
  HIDDEN_ACTIVATIONS,
  outputDim,
  type ModelKind,
  type NetworkDef,
  type WeightTensor
} from '../../src/lib/core/models/kind';
import { lowerModel } from '../../src/lib/core/models/lower';
import { predict } from '../../src/lib/core/models/predict';
import { MODEL_KINDS, resolveModel } from '../../src/lib/core/models/registry';
import { probabilityMatrix } from '../../src/lib/core/models/run';
import { GraphBuilder } from '../../src/lib/core/onnx/graph';
import { ColumnLowering } from '../../src/lib/core/onnx/lowering';
import { readOnnx } from '../../src/lib/core/onnx/read';
import { createSession, runSession } from '../../src/lib/core/onnx/runtime';
import { serializeModel } from '../../src/lib/core/onnx/serialize';
import type { Task } from '../../src/lib/core/spec/types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const D = 6;
const ROWS = 300;
const CLASSES: Record<Task, string[] | null> = {
  binary: ['benign', 'malignant'],
  multiclass: ['Adelie', 'Chinstrap', 'Gentoo', 'virgínica ☃'],
  regression: null
};

/** Seeded weights with non-zero biases; regression's last layer in target units (about ×40, +300). */
function seededWeights(net: NetworkDef, seed: number, zero = false): WeightTensor[] {
  const rng = createRng(seed);
  const out: WeightTensor[] = [];
  let fanIn = net.inputDim;
  net.layers.forEach((layer, i) => {
    const last = i === net.layers.length - 1;
    // Layers after the first get wider weights, so sigmoid layers (outputs in (0, 1)) still
    // separate the classes.
    const scale = last && net.task === 'regression' ? 40 : i > 0 ? 4 : 1;
    const kernel = Float32Array.from({ length: fanIn * layer.units }, () =>
      zero ? 0 : (2 * rng() - 1) * scale * Math.sqrt(3 / fanIn)
    );
    const bias = Float32Array.from({ length: layer.units }, () =>
      zero ? 0 : (rng() - 0.5) * scale + (last && net.task === 'regression' ? 300 : 0)
    );
    if (i > 0 && net.layers[i - 1].activation === 'sigmoid') {
      // Sigmoid outputs centre on 0.5: centre this layer's outputs on its bias again.
      for (let r = 0; r < fanIn; r++) {
        for (let c = 0; c < layer.units; c++) bias[c] -= 0.5 * kernel[r * layer.units + c];
      }
    }
    out.push({ name: `layer${i}/kernel`, shape: [fanIn, layer.units], values: kernel });
    out.push({ name: `layer${i}/bias`, shape: [layer.units], values: bias });
    fanIn = layer.units;
  });
  return out;
}

/**
 * Rows of features as a scaled pipeline gives them (within ±3), and the last 20 rows far out
 * (±60), which saturates sigmoid, tanh and softmax.
 */
function seededRows(seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: ROWS * D }, (_, i) =>
    i < (ROWS - 20) * D ? (2 * rng() - 1) * 3 : (2 * rng() - 1) * 60
  );
}

const features = Array.from({ length: D }, (_, j) => `feature ${j}`);

async function runOnnx(
  kind: ModelKind,
  net: NetworkDef,
  weights: WeightTensor[],
  classes: string[] | null,
  x: Float32Array
) {
  const g = new GraphBuilder();
  const ctx = new ColumnLowering(
    g,
    features.map((name) => ({ name, type: 'float' as const }))
  );
  lowerModel(ctx, features, kind, { network: net, weights, classes });
  const bytes = serializeModel(g.build(), { producerVersion: 'test', modelVersion: 1 });
  const summary = readOnnx(bytes);
  const session = await createSession(bytes);
  const rows = x.length / D;
  const inputs = Object.fromEntries(
    features.map((name, j) => [
      name,
      { data: Float64Array.from({ length: rows }, (_, i) => x[i * D + j]), dims: [rows, 1] }
    ])
  );
  const out = await runSession(session, inputs);
  await session.release();
  return { out, summary };
}

const cases = Object.entries(MODEL_KINDS).flatMap(([type, kind]) =>
  kind.tasks.flatMap((task) =>
    type === 'mlp'
      ? HIDDEN_ACTIVATIONS.map((activation) => ({
          type,
          kind,
          task,
          params: { hiddenLayers: [9, 5], activation }
        }))
      : [{ type, kind, task, params: {} }]
  )
);

describe('model lowering: tfjs vs onnxruntime-web', () => {
  it('covers every kind and task of the registry', () => {
    const pairs = new Set(cases.map((c) => `${c.type}/${c.task}`));
    for (const [type, kind] of Object.entries(MODEL_KINDS)) {
      for (const task of kind.tasks) expect(pairs).toContain(`${type}/${task}`);
      expect(typeof kind.lower).toBe('function');
    }
  });

  cases.forEach(({ type, kind, task, params }, index) => {
    const label = `${type} ${task} ${'activation' in params ? params.activation : ''}`.trim();
    it(label, async () => {
      const classes = CLASSES[task];
      const { params: parsed } = resolveModel({ type, ...params }, task);
      const net = kind.network(D, outputDim(task, classes?.length ?? 1), task, parsed);
      const weights = seededWeights(net, 1000 + index);
      const x = seededRows(2000 + index);
      const expected = await predict({ network: net, weights }, x);
      const { out, summary } = await runOnnx(kind, net, weights, classes, x);

      expect(summary.inputs.map((i) => [i.name, i.elementType, i.shape])).toEqual(
        features.map((f) => [f, 'double', ['N', 1]])
      );
      if (task === 'regression') {
        expect(Object.keys(out)).toEqual(['prediction']);
        expect(out.prediction.dims).toEqual([ROWS, 1]);
        const got = out.prediction.data as Float32Array;
        let worst = 0;
        for (let i = 0; i < ROWS; i++) {
          worst = Math.max(
            worst,
            Math.abs(got[i] - expected[i]) / Math.max(1, Math.abs(expected[i]))
          );
        }
        expect(worst).toBeLessThanOrEqual(1e-5);
        return;
      }
      const k = classes!.length;
      const proba = probabilityMatrix(expected, ROWS, k);
      expect(Object.keys(out).sort()).toEqual(['label', 'probabilities']);
      expect(out.probabilities.dims).toEqual([ROWS, k]);
      expect(out.label.dims).toEqual([ROWS]);
      const got = out.probabilities.data as Float32Array;
      let worst = 0;
      for (let i = 0; i < ROWS * k; i++) worst = Math.max(worst, Math.abs(got[i] - proba[i]));
      expect(worst).toBeLessThanOrEqual(1e-5);
      const labels = Array.from(argmaxRows(proba, ROWS, k), (c) => classes![c]);
      expect(out.label.data).toEqual(labels);
      // The rows exercise more than one class.
      expect(new Set(labels).size).toBeGreaterThan(1);
    });
  });

  it('breaks ties toward the first class, as argmaxRows does', async () => {
    for (const task of ['binary', 'multiclass'] as const) {
      const kind = MODEL_KINDS.logistic;
      const classes = CLASSES[task]!;
      const net = kind.network(D, outputDim(task, classes.length), task, { l2: 0 });
      const x = seededRows(5);
      const { out } = await runOnnx(kind, net, seededWeights(net, 1, true), classes, x);
      expect(new Set(out.label.data as string[])).toEqual(new Set([classes[0]]));
      const p = out.probabilities.data as Float32Array;
      expect(p.every((v) => Math.abs(v - 1 / classes.length) < 1e-7)).toBe(true);
    }
  });

  it('refuses weights or classes that do not fit the network, naming them', async () => {
    const kind = MODEL_KINDS.mlp;
    const net = kind.network(
      D,
      1,
      'binary',
      resolveModel({ type: 'mlp', hiddenLayers: [4] }, 'binary').params
    );
    const weights = seededWeights(net, 3);
    const g = new GraphBuilder();
    const x = g.input('x', 'float', ['N', D]);
    const bad = weights.map((w, i) =>
      i === 2 ? { ...w, shape: [5, 1], values: new Float32Array(5) } : w
    );
    expect(() => kind.lower(g, x, { network: net, weights: bad, classes: ['a', 'b'] })).toThrow(
      'The weight "layer1/kernel" has shape [5, 1]; this mlp network needs [4, 1].'
    );
    expect(() => kind.lower(g, x, { network: net, weights, classes: ['a', 'b', 'c'] })).toThrow(
      'A binary model needs 2 class labels; got 3.'
    );
    expect(() =>
      kind.lower(g, x, { network: net, weights: weights.slice(1), classes: ['a', 'b'] })
    ).toThrow('The weights (3 arrays) do not fit this mlp network (4 expected).');
  });
});
