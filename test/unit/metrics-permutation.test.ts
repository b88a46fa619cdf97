/**
 * Permutation feature importance: against scikit-learn's permutation_importance replayed with
 * the row orders sklearn applied (exported in the fixture), against drops worked out by hand for
 * a fixed linear model, and for determinism of the seeded shuffles.
 */
import { describe, expect, it } from 'vitest';
import {
  accuracyScorer,
  mseScorer,
  permutationImportance,
  r2Scorer,
  seededPermutations,
  type Predict
} from '../../src/lib/core/evaluate';
import { close, closeAll, fixture, i32 } from '../fixtures/metrics/compare';

const { cases, sklearn } = fixture('permutation.json');

/** y = X·coef + b, or arg-max of X·W + b for a k-column W (row-major cols × k). */
function linear(coef: number[], intercept: number[] | number, k = 1): Predict {
  return (X, rows, cols) => {
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let best = 0;
      let bestZ = -Infinity;
      for (let c = 0; c < k; c++) {
        let z = typeof intercept === 'number' ? intercept : intercept[c];
        for (let j = 0; j < cols; j++) z += X[i * cols + j] * coef[j * k + c];
        if (k === 1) out[i] = z;
        else if (z > bestZ) {
          bestZ = z;
          best = c;
        }
      }
      if (k > 1) out[i] = best;
    }
    return out;
  };
}

describe(`permutation importance = scikit-learn ${sklearn} (same row orders)`, () => {
  for (const c of cases) {
    it(c.name, async () => {
      const X = Float32Array.from(c.X);
      const perms: number[][][] = c.permutations;
      const options = {
        repeats: c.repeats,
        permutations: (f: number, r: number) => i32(perms[f][r])
      };
      let result;
      if (c.task === 'regression') {
        const y = Float64Array.from(c.y);
        const predict = linear(c.coef, c.intercept);
        result =
          c.scoring === 'r2'
            ? await permutationImportance(predict, X, y, r2Scorer, options)
            : await permutationImportance(predict, X, y, mseScorer, {
                ...options,
                greaterIsBetter: false
              });
        close(c.scoring === 'r2' ? result.baseline : -result.baseline, c.baseline, 'baseline');
      } else {
        const y = i32(c.y);
        const predict = linear(c.coef, c.intercept, c.k);
        result = await permutationImportance(predict, X, y, accuracyScorer(c.k), options);
        close(result.baseline, c.baseline, 'baseline');
      }
      closeAll(result.drops, c.importances.flat(), 'importances');
      closeAll(result.mean, c.importances_mean, 'mean');
      closeAll(result.std, c.importances_std, 'std');
    });
  }
});

describe('permutation importance, worked by hand', () => {
  // y = 3·x0 + 0·x1 − 2·x2 exactly; with MSE, permuting column j by π adds
  // coef_j²·mean((x_π − x)²) to a baseline of 0.
  const rows = 6;
  const cols = 3;
  const coef = [3, 0, -2];
  const X = Float32Array.from([1, 5, 2, 2, 4, -1, 3, 3, 0, 4, 2, 1, 5, 1, 3, 6, 0, -2]);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) y[i] += coef[j] * X[i * cols + j];
  const reverse = i32([5, 4, 3, 2, 1, 0]);
  const rotate = i32([1, 2, 3, 4, 5, 0]);

  it('gives coef² · mean squared shift for each permutation', async () => {
    const res = await permutationImportance(linear(coef, 0), X, y, mseScorer, {
      repeats: 2,
      greaterIsBetter: false,
      permutations: (_f, r) => (r === 0 ? reverse : rotate)
    });
    expect(res.baseline).toBe(0);
    const expected: number[] = [];
    for (let j = 0; j < cols; j++) {
      for (const perm of [reverse, rotate]) {
        let s = 0;
        for (let i = 0; i < rows; i++) s += (X[perm[i] * cols + j] - X[i * cols + j]) ** 2;
        expected.push((coef[j] ** 2 * s) / rows);
      }
    }
    closeAll(res.drops, expected, 'drops');
    // Feature 1 has weight 0: no drop at all.
    expect(res.mean[1]).toBe(0);
    expect(res.std[1]).toBe(0);
    close(res.mean[0], (expected[0] + expected[1]) / 2, 'mean 0');
    close(res.std[2], Math.abs(expected[4] - expected[5]) / 2, 'std 2');
  });

  it('is deterministic for a seed, differs across seeds, and reports progress', async () => {
    const progress: number[] = [];
    const run = (seed: number) =>
      permutationImportance(linear(coef, 0), X, y, r2Scorer, {
        repeats: 3,
        seed,
        onProgress: (done, total) => progress.push(done / total)
      });
    const a = await run(1);
    const b = await run(1);
    const c = await run(2);
    expect(Array.from(a.drops)).toEqual(Array.from(b.drops));
    expect(Array.from(a.drops)).not.toEqual(Array.from(c.drops));
    expect(progress.slice(0, 10).at(-1)).toBe(1);
    const gen = seededPermutations(1, rows);
    const p = gen(0, 0);
    expect(Array.from(p).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // Asking out of order replays the same stream.
    expect(Array.from(seededPermutations(1, rows)(0, 1))).toEqual(Array.from(gen(0, 1)));
  });

  it('does not change the caller’s X and honours an abort signal', async () => {
    const copy = X.slice();
    await permutationImportance(linear(coef, 0), X, y, r2Scorer, { repeats: 2, seed: 3 });
    expect(Array.from(X)).toEqual(Array.from(copy));
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(
      permutationImportance(linear(coef, 0), X, y, r2Scorer, { signal: controller.signal })
    ).rejects.toThrow('cancelled');
    await expect(
      permutationImportance(linear(coef, 0), X.subarray(1), y, r2Scorer)
    ).rejects.toThrow(/not a whole number of columns/);
  });
});
