/**
 * Confusion matrix, like sklearn's `confusion_matrix(y_true, y_pred, labels=range(k),
 * sample_weight=w)`: row = true class, column = predicted class, entries are row counts (or
 * summed sample weights). Stored row-major in one Float64Array of k×k.
 */
import { checkLabels, checkLength, checkWeights } from './check';

export interface ConfusionMatrix {
  /** Number of classes; `values` is k×k row-major. */
  k: number;
  values: Float64Array;
}

export function confusionMatrix(
  yTrue: Int32Array,
  yPred: Int32Array,
  k: number,
  sampleWeight?: Float64Array
): ConfusionMatrix {
  const n = yTrue.length;
  checkLength('yPred', yPred.length, n);
  checkLabels('yTrue', yTrue, k);
  checkLabels('yPred', yPred, k);
  checkWeights(sampleWeight, n);
  const values = new Float64Array(k * k);
  if (sampleWeight === undefined) {
    for (let i = 0; i < n; i++) values[yTrue[i] * k + yPred[i]] += 1;
  } else {
    for (let i = 0; i < n; i++) values[yTrue[i] * k + yPred[i]] += sampleWeight[i];
  }
  return { k, values };
}

/** Row sums (true support per class) and column sums (predictions per class). */
export function marginals(cm: ConfusionMatrix): { trueSum: Float64Array; predSum: Float64Array } {
  const { k, values } = cm;
  const trueSum = new Float64Array(k);
  const predSum = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      trueSum[r] += values[r * k + c];
      predSum[c] += values[r * k + c];
    }
  }
  return { trueSum, predSum };
}

/** The matrix as nested arrays (rows = true class) for JSON and tables. */
export function confusionRows(cm: ConfusionMatrix): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < cm.k; r++)
    rows.push(Array.from(cm.values.subarray(r * cm.k, (r + 1) * cm.k)));
  return rows;
}
