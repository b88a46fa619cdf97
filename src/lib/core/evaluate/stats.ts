/**
 * Weighted means the way numpy's `np.average` defines them: sum(w·x) / sum(w), or the plain
 * mean without weights. Sums run in row order (numpy sums pairwise; the two agree to ~1e-15
 * relative, far inside the 1e-9 the fixtures check). A weight total of zero gives NaN where numpy
 * raises ZeroDivisionError.
 */
import type { NumericArray } from './check';

export function mean(values: NumericArray): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length === 0 ? NaN : s / values.length;
}

export function weightedMean(values: NumericArray, weights?: Float64Array): number {
  if (weights === undefined) return mean(values);
  let s = 0;
  let w = 0;
  for (let i = 0; i < values.length; i++) {
    s += values[i] * weights[i];
    w += weights[i];
  }
  return w === 0 ? NaN : s / w;
}
