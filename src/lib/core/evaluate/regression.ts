/**
 * Regression metrics, as sklearn 1.2's `mean_squared_error`, `mean_absolute_error`, `r2_score`
 * and `mean_absolute_percentage_error`, each with optional sample weights.
 *
 * - RMSE is √MSE (sklearn 1.2's `mean_squared_error(squared=False)`).
 * - MAPE divides by max(|y|, ε) with ε = float64 machine epsilon, so a zero in `yTrue` with a
 *   non-zero error gives an enormous (but finite) value, exactly as sklearn does. It is a
 *   fraction, not a percentage (0.1 means 10 %).
 * - R² (force_finite=True): NaN with fewer than two rows. When `yTrue` is constant the
 *   denominator is 0 and R² is 1 for a perfect prediction, 0 otherwise. "Constant" is checked
 *   directly (every value equal, or every row with weight carrying the same value), not through
 *   a floating-point mean, so constant 0.1s are recognised too; sklearn computes the mean first
 *   and, when that rounds (mean of [0.1, 0.1, 0.1] ≠ 0.1), returns a huge negative R² instead.
 */
import { checkFinite, checkLength, checkWeights } from './check';
import { weightedMean } from './stats';

function check(yTrue: Float64Array, yPred: Float64Array, sampleWeight?: Float64Array): void {
  checkLength('yPred', yPred.length, yTrue.length);
  checkFinite('yTrue', yTrue);
  checkFinite('yPred', yPred);
  checkWeights(sampleWeight, yTrue.length);
}

function weightedSum(
  n: number,
  term: (i: number) => number,
  sampleWeight?: Float64Array
): { sum: number; weight: number } {
  let sum = 0;
  let weight = 0;
  for (let i = 0; i < n; i++) {
    const w = sampleWeight === undefined ? 1 : sampleWeight[i];
    sum += term(i) * w;
    weight += w;
  }
  return { sum, weight };
}

function average(n: number, term: (i: number) => number, sampleWeight?: Float64Array): number {
  const { sum, weight } = weightedSum(n, term, sampleWeight);
  return weight === 0 ? NaN : sum / weight;
}

export function meanSquaredError(
  yTrue: Float64Array,
  yPred: Float64Array,
  sampleWeight?: Float64Array
): number {
  check(yTrue, yPred, sampleWeight);
  return average(yTrue.length, (i) => (yTrue[i] - yPred[i]) ** 2, sampleWeight);
}

export function rootMeanSquaredError(
  yTrue: Float64Array,
  yPred: Float64Array,
  sampleWeight?: Float64Array
): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred, sampleWeight));
}

export function meanAbsoluteError(
  yTrue: Float64Array,
  yPred: Float64Array,
  sampleWeight?: Float64Array
): number {
  check(yTrue, yPred, sampleWeight);
  return average(yTrue.length, (i) => Math.abs(yPred[i] - yTrue[i]), sampleWeight);
}

export function meanAbsolutePercentageError(
  yTrue: Float64Array,
  yPred: Float64Array,
  sampleWeight?: Float64Array
): number {
  check(yTrue, yPred, sampleWeight);
  const eps = Number.EPSILON;
  return average(
    yTrue.length,
    (i) => Math.abs(yPred[i] - yTrue[i]) / Math.max(Math.abs(yTrue[i]), eps),
    sampleWeight
  );
}

/** True when every row that counts (non-zero weight) has the same `yTrue`. */
export function isConstant(yTrue: Float64Array, sampleWeight?: Float64Array): boolean {
  let first = NaN;
  for (let i = 0; i < yTrue.length; i++) {
    if (sampleWeight !== undefined && sampleWeight[i] === 0) continue;
    if (Number.isNaN(first)) first = yTrue[i];
    else if (yTrue[i] !== first) return false;
  }
  return true;
}

export function r2Score(
  yTrue: Float64Array,
  yPred: Float64Array,
  sampleWeight?: Float64Array
): number {
  check(yTrue, yPred, sampleWeight);
  const n = yTrue.length;
  if (n < 2) return NaN;
  const numerator = weightedSum(n, (i) => (yTrue[i] - yPred[i]) ** 2, sampleWeight).sum;
  let denominator = 0;
  if (!isConstant(yTrue, sampleWeight)) {
    const m = weightedMean(yTrue, sampleWeight);
    denominator = weightedSum(n, (i) => (yTrue[i] - m) ** 2, sampleWeight).sum;
  }
  if (numerator === 0) return 1;
  if (denominator === 0) return 0;
  return 1 - numerator / denominator;
}
