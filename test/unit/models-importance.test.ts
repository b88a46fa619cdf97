import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/lib/core/models/backend';
import { modelImportance } from '../../src/lib/core/models/importance';
import type { NetworkDef } from '../../src/lib/core/models/kind';

beforeAll(async () => {
  const wasmPath =
    dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')) +
    '/dist/';
  await useBackend('wasm', { wasmPath });
});

/** y = 3·x0 + 0·x1 exactly: a linear network with those weights. */
const network: NetworkDef = {
  kind: 'linear',
  task: 'regression',
  inputDim: 2,
  outputDim: 1,
  layers: [{ units: 1, activation: 'linear', init: 'glorot_uniform', l2: 0, dropout: 0 }],
  head: 'identity',
  loss: 'mse'
};
const weights = [
  { name: 'layer0/kernel', shape: [2, 1], values: Float32Array.from([3, 0]) },
  { name: 'layer0/bias', shape: [1], values: Float32Array.from([0]) }
];

describe('permutation importance of a trained model', () => {
  it('a feature the model ignores scores 0; the one it uses drops R² by 2·var/var = 2 on average', async () => {
    const rows = 400;
    const x = new Float32Array(rows * 2);
    const y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      x[2 * i] = (i % 20) - 9.5;
      x[2 * i + 1] = ((i * 7) % 13) - 6;
      y[i] = 3 * x[2 * i];
    }
    const result = await modelImportance(
      { network, weights },
      { rows, x, y },
      ['used', 'ignored'],
      null,
      { repeats: 8, seed: 3 }
    );
    expect(result.metric).toBe('r2');
    expect(result.baseline).toBeCloseTo(1, 6);
    expect(result.features[1]).toEqual({ name: 'ignored', mean: 0, std: 0 });
    // Shuffling x0 breaks its pairing with y: E[R² drop] = 2 (R² of an independent copy is -1).
    expect(result.features[0].mean).toBeGreaterThan(1.6);
    expect(result.features[0].mean).toBeLessThan(2.4);
  });
});
