/**
 * Permutation feature importance, like `sklearn.inspection.permutation_importance`: score the
 * model once on the data as is (the baseline), then for each feature shuffle that one column
 * `repeats` times, score again, and report the drop (baseline − permuted score) as mean and
 * population standard deviation over the repeats.
 *
 * The metric is "greater is better" (accuracy, R²) unless `greaterIsBetter: false` is given for a
 * loss (MSE, log loss); the drop is then permuted − baseline, which is what sklearn gets from
 * its `neg_*` scorers. A positive drop means the model leans on the feature.
 *
 * Shuffles come from evaluate's own seeded generator: feature f, repeat r uses a fresh
 * Fisher–Yates shuffle of 0..rows−1 drawn from a generator seeded by (seed, f), so one feature's
 * importance does not depend on which other features were evaluated. `permutations` replaces
 * that source (to replay another tool's shuffles): it returns, for feature f and repeat r, the
 * row order such that the permuted column's row i is the original column's row perm[i].
 *
 * `X` is row-major rows × cols with rows = y.length. `predict` receives one working copy that is
 * rewritten between calls: it must not keep or transfer it (copy it if it posts to a worker).
 */
import { fail } from './check';
import { createRng, shuffleInPlace } from '../base/random';

export type Predictions = Float64Array | Float32Array | Int32Array;
export type Predict = (
  X: Float32Array,
  rows: number,
  cols: number
) => Promise<Predictions> | Predictions;
export type Target = Float64Array | Int32Array;
export type Metric<Y extends Target = Target> = (yTrue: Y, yPred: Predictions) => number;

export interface PermutationOptions {
  /** Shuffles per feature (sklearn's n_repeats); default 5. */
  repeats?: number;
  /** Seed of the shuffles; default 0. */
  seed?: number;
  /** false for losses (lower is better); default true. */
  greaterIsBetter?: boolean;
  /** Replaces the seeded shuffles, e.g. to replay sklearn's. */
  permutations?: (feature: number, repeat: number, rows: number) => Int32Array;
  /** Called after each scoring pass: done of total (1 + cols × repeats). */
  onProgress?: (done: number, total: number) => void;
  /** Stops between scoring passes with the signal's reason. */
  signal?: AbortSignal;
}

export interface PermutationImportance {
  baseline: number;
  /** Mean drop per feature. */
  mean: Float64Array;
  /** Population standard deviation of the drop per feature. */
  std: Float64Array;
  /** Every drop, row-major cols × repeats. */
  drops: Float64Array;
  repeats: number;
}

/** The generator seed of one feature: the 32-bit seed mixed with the feature index. */
function featureSeed(seed: number, feature: number): number {
  let h = (Math.floor(seed) ^ Math.imul(feature + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The default shuffles: feature f's generator is seeded by (seed, f) and repeat r is its r-th
 * shuffle of the identity. Exposed so callers and tests can see which rows were moved.
 */
export function seededPermutations(seed: number, rows: number) {
  let feature = -1;
  let next = 0;
  let rand: () => number = () => 0;
  return (f: number, r: number): Int32Array => {
    if (f !== feature || r !== next) {
      feature = f;
      rand = createRng(featureSeed(seed, f));
      for (let skip = 0; skip < r; skip++) shuffleInPlace(identity(rows), rand);
    }
    next = r + 1;
    return shuffleInPlace(identity(rows), rand);
  };
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

export async function permutationImportance<Y extends Target>(
  predict: Predict,
  X: Float32Array,
  y: Y,
  metric: Metric<Y>,
  options: PermutationOptions = {}
): Promise<PermutationImportance> {
  const repeats = options.repeats ?? 5;
  const seed = options.seed ?? 0;
  const sign = options.greaterIsBetter === false ? -1 : 1;
  const rows = y.length;
  if (!Number.isInteger(repeats) || repeats < 1) {
    fail(`repeats must be a positive integer, got ${repeats}.`);
  }
  if (rows === 0) fail('Permutation importance needs at least one row.');
  const cols = X.length / rows;
  if (!Number.isInteger(cols)) {
    fail(`X has ${X.length} values, not a whole number of columns for ${rows} rows.`);
  }
  const shuffles = options.permutations ?? seededPermutations(seed, rows);
  const total = 1 + cols * repeats;
  let done = 0;
  const score = async (data: Float32Array): Promise<number> => {
    options.signal?.throwIfAborted();
    const value = metric(y, await predict(data, rows, cols));
    options.onProgress?.(++done, total);
    return value;
  };

  const work = X.slice();
  const baseline = await score(work);
  const drops = new Float64Array(cols * repeats);
  const mean = new Float64Array(cols);
  const std = new Float64Array(cols);
  for (let f = 0; f < cols; f++) {
    for (let r = 0; r < repeats; r++) {
      const perm = shuffles(f, r, rows);
      if (perm.length !== rows)
        fail(`Permutation for feature ${f} has ${perm.length} rows, expected ${rows}.`);
      for (let i = 0; i < rows; i++) work[i * cols + f] = X[perm[i] * cols + f];
      drops[f * repeats + r] = sign * (baseline - (await score(work)));
    }
    for (let i = 0; i < rows; i++) work[i * cols + f] = X[i * cols + f];
    let s = 0;
    for (let r = 0; r < repeats; r++) s += drops[f * repeats + r];
    const m = s / repeats;
    let v = 0;
    for (let r = 0; r < repeats; r++) v += (drops[f * repeats + r] - m) ** 2;
    mean[f] = m;
    std[f] = Math.sqrt(v / repeats);
  }
  return { baseline, mean, std, drops, repeats };
}
