/**
 * Ready-made metrics for permutation importance, taking the model's raw output: for
 * classification either one class index per row or a row-major n×k probability matrix (the
 * length tells which), for regression one value per row.
 */
import { accuracy } from './accuracy';
import { fail } from './check';
import { logLoss } from './logloss';
import type { Metric, Predictions } from './permutation';
import { argmaxRows } from './predict';
import { meanSquaredError, r2Score } from './regression';

function toLabels(yPred: Predictions, n: number, k: number): Int32Array {
  if (yPred.length === n) return Int32Array.from(yPred);
  if (yPred.length === n * k) return argmaxRows(Float64Array.from(yPred), n, k);
  return fail(
    `Predictions have ${yPred.length} values; expected ${n} labels or ${n}×${k} probabilities.`
  );
}

function toValues(yPred: Predictions, n: number): Float64Array {
  if (yPred.length !== n) fail(`Predictions have ${yPred.length} values, expected ${n}.`);
  return yPred instanceof Float64Array ? yPred : Float64Array.from(yPred);
}

/** Accuracy (greater is better). */
export const accuracyScorer =
  (k: number): Metric<Int32Array> =>
  (y, p) =>
    accuracy(y, toLabels(p, y.length, k));

/** Log loss (use with greaterIsBetter: false); needs probabilities. */
export const logLossScorer =
  (k: number): Metric<Int32Array> =>
  (y, p) => {
    if (p.length !== y.length * k) fail(`Log loss needs ${y.length}×${k} probabilities.`);
    return logLoss(y, p instanceof Float64Array ? p : Float64Array.from(p), k);
  };

/** R² (greater is better). */
export const r2Scorer: Metric<Float64Array> = (y, p) => r2Score(y, toValues(p, y.length));

/** Mean squared error (use with greaterIsBetter: false). */
export const mseScorer: Metric<Float64Array> = (y, p) => meanSquaredError(y, toValues(p, y.length));
